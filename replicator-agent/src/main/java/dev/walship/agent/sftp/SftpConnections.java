package dev.walship.agent.sftp;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One SSH connection per destination, shared by every SFTP store that goes there: stores whose
 * targets differ only in their path (same host, port, user, password, key, passphrase, host-key
 * rule) get the same {@link SshConnector} and {@link Reconnector}, so hundreds of replicas to one
 * server use one TCP connection, a few SFTP channels taken in turn by the stores (MINA's client
 * multiplexes concurrent requests on each, each waiting for its own reply id; the server answers
 * each channel's requests in order, so one channel would queue every upload's fsync behind the
 * others'), one reconnect loop and one keep-alive.
 *
 * <p>Invariant: a destination is in {@link #open} exactly while at least one store opened here is
 * not closed; the last store's close closes the connection and its client. Thread-safe.
 */
public final class SftpConnections {
  private final SftpOptions options;
  private final Map<SftpTarget, Shared> open = new HashMap<>();

  /** A connection and how many open stores use it. */
  private static final class Shared {
    final SshConnector connector;
    final Reconnector connections;
    int stores;
    int lanes; // the next store's lane: stores take the connection's channels in turn

    Shared(SshConnector connector, Reconnector connections) {
      this.connector = connector;
      this.connections = connections;
    }
  }

  /**
   * @param options how connections are made, kept and re-made
   */
  public SftpConnections(SftpOptions options) {
    this.options = Objects.requireNonNull(options);
  }

  /**
   * A store for {@code target} on its destination's shared connection. Reads the key and checks the
   * host-key settings now when the destination is new (failing fast with an operator message);
   * connects on first use, so a server that is down does not stop the agent from starting.
   */
  public synchronized SftpReplicaStore open(SftpTarget target) throws SftpStoreException {
    SftpTarget destination = destination(target);
    Shared s = open.get(destination);
    if (s == null) {
      s = connect(destination, target);
      open.put(destination, s);
    }
    s.stores++;
    Shared shared = s;
    return new SftpReplicaStore(
        target, s.connector, s.connections, s.lanes++, () -> release(destination, shared));
  }

  /** Destinations with open stores (for tests and logs). */
  synchronized int destinations() {
    return open.size();
  }

  private Shared connect(SftpTarget destination, SftpTarget first) throws SftpStoreException {
    CryptoWarmup.start();
    ClientIdentity identity;
    HostKeyPolicy policy;
    try {
      identity = ClientIdentity.of(destination);
      policy = HostKeyPolicy.of(destination, options.userHome());
    } catch (ClientIdentity.KeyFileException | IllegalArgumentException e) {
      throw new SftpStoreException(first.location() + ": " + e.getMessage(), true, e);
    }
    SshConnector connector = new SshConnector(destination, options, policy, identity);
    Reconnector connections =
        new Reconnector(
            destination.location(),
            connector::connect,
            options.backoff(),
            options.reconnectAttempts(),
            options.random(),
            options.sleeper());
    return new Shared(connector, connections);
  }

  private synchronized void release(SftpTarget destination, Shared s) {
    if (--s.stores > 0) {
      return;
    }
    open.remove(destination, s);
    s.connections.close();
    s.connector.close();
  }

  /** What identifies a connection: everything of a target but its path. */
  static SftpTarget destination(SftpTarget t) {
    return new SftpTarget(
        t.host(),
        t.port(),
        t.user(),
        t.password(),
        "",
        t.keyPath(),
        t.keyPassphrase(),
        t.hostKey(),
        t.knownHosts());
  }
}
