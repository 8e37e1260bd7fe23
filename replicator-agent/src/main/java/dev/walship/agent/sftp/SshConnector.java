package dev.walship.agent.sftp;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.InterruptedByTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.future.AuthFuture;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.SshException;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.apache.sshd.sftp.client.SftpVersionSelector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes one connection attempt to a target: TCP connect, key exchange with the {@link
 * HostKeyPolicy} as the only judge of the server's key, authentication with the {@link
 * ClientIdentity} only, then an SFTP v3 channel (the version OpenSSH and Litestream speak; mtimes
 * are whole seconds). Every failure comes back as a {@link SftpStoreException} with an operator
 * message; refusals that retrying cannot fix are marked permanent.
 */
final class SshConnector implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SshConnector.class);

  private final SftpTarget target;
  private final SftpOptions options;
  private final HostKeyPolicy policy;
  private final ClientIdentity identity;
  private final SshClient client;
  private final AtomicInteger count = new AtomicInteger();

  /** Why the host key of the attempt in progress was refused (attempts are serialized). */
  private final AtomicReference<String> hostKeyProblem = new AtomicReference<>();

  SshConnector(
      SftpTarget target, SftpOptions options, HostKeyPolicy policy, ClientIdentity identity) {
    this.target = target;
    this.options = options;
    this.policy = policy;
    this.identity = identity;
    this.client = SshClientFactory.newClient(options);
    client.setServerKeyVerifier(this::verifyServerKey);
    client.start();
  }

  /** The client, for tests that check what it would read. */
  SshClient client() {
    return client;
  }

  private boolean verifyServerKey(ClientSession session, SocketAddress remote, PublicKey key) {
    try {
      HostKeyPolicy.Verdict verdict = policy.check(key);
      if (!verdict.trusted()) {
        hostKeyProblem.set(verdict.problem());
      }
      return verdict.trusted();
    } catch (IOException | RuntimeException e) {
      hostKeyProblem.set("cannot check the host key: " + e.getMessage());
      return false;
    }
  }

  /** One attempt; the caller retries transient failures. */
  Connection connect() throws SftpStoreException {
    synchronized (client) {
      hostKeyProblem.set(null);
      try {
        client.setSignatureFactories(SshClientFactory.hostKeyAlgorithms(policy.knownKeyTypes()));
      } catch (IOException e) {
        throw fail("cannot read known-hosts: " + e.getMessage(), true, e);
      }
      ClientSession session = openSession();
      try {
        authenticate(session);
        Connection c =
            new Connection(
                session, channel(session), SshConnector::channel, count.incrementAndGet());
        LOG.debug("{}: connection #{} up, cipher {}", target, c.number(), c.cipher());
        return c;
      } catch (SftpStoreException e) {
        session.close(true);
        throw e;
      } catch (IOException | RuntimeException e) {
        session.close(true);
        throw fail(
            "open SFTP channel: " + describe(e) + " (does the server offer the sftp subsystem?)",
            false,
            e);
      }
    }
  }

  private ClientSession openSession() throws SftpStoreException {
    Duration timeout = options.connectTimeout();
    ConnectFuture cf;
    try {
      cf = client.connect(target.user(), target.host(), target.port());
      if (!cf.await(timeout)) {
        cf.cancel();
        throw fail(
            "connect: no answer within "
                + seconds(timeout)
                + " (is the host reachable and the port right?)",
            false,
            null);
      }
    } catch (IOException e) {
      throw fail("connect: " + describeConnect(e), false, e);
    }
    if (cf.getException() != null) {
      throw fail("connect: " + describeConnect(cf.getException()), false, cf.getException());
    }
    return cf.getSession();
  }

  private void authenticate(ClientSession session) throws IOException {
    for (KeyPair kp : identity.keys()) {
      session.addPublicKeyIdentity(kp);
    }
    if (identity.password() != null) {
      session.addPasswordIdentity(identity.password());
    }
    AuthFuture auth = session.auth();
    boolean done = auth.await(options.authTimeout());
    String refused = hostKeyProblem.get();
    if (refused != null) {
      throw fail(refused, true, auth.getException());
    }
    if (!done) {
      auth.cancel();
      throw fail(
          "no SSH handshake within " + seconds(options.authTimeout()) + " (is this an SSH server?)",
          false,
          null);
    }
    Throwable e = auth.getException();
    if (e == null && auth.isSuccess()) {
      return;
    }
    if (e instanceof SshException se
        && se.getDisconnectCode() == SshConstants.SSH2_DISCONNECT_NO_MORE_AUTH_METHODS_AVAILABLE) {
      throw fail(authRefused(), true, e);
    }
    if (e instanceof SshException se
        && se.getDisconnectCode() == SshConstants.SSH2_DISCONNECT_KEY_EXCHANGE_FAILED) {
      throw fail("SSH key exchange failed: " + describe(e), true, e);
    }
    throw fail("SSH handshake: " + describe(e), false, e);
  }

  private String authRefused() {
    StringBuilder s =
        new StringBuilder("authentication refused for user '").append(target.user()).append("'");
    s.append(" (tried: ");
    if (!identity.keys().isEmpty()) {
      s.append("key-path ").append(identity.keyDescription());
    }
    if (identity.password() != null) {
      s.append(identity.keys().isEmpty() ? "" : " and ").append("password");
    }
    s.append("): is the public key in that user's authorized keys on the server");
    return s.append(identity.password() != null ? ", or is the password right?" : "?").toString();
  }

  private SftpStoreException fail(String what, boolean permanent, Throwable cause) {
    return new SftpStoreException(target.location() + ": " + what, permanent, cause);
  }

  static String describeConnect(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConnectException) {
        return "connection refused (is replica-server running?)";
      }
      if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
        return "unknown host (check the host name)";
      }
      if (t instanceof NoRouteToHostException) {
        return "no route to host";
      }
      if (t instanceof SocketTimeoutException || t instanceof InterruptedByTimeoutException) {
        return "timed out (is the host reachable and the port right?)";
      }
      if (t instanceof SocketException) {
        return "the connection was reset during the SSH handshake ("
            + describe(t)
            + "); is this an SSH server, and does it accept this client?";
      }
    }
    return describe(e);
  }

  static String describe(Throwable e) {
    if (e == null) {
      return "failed";
    }
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }

  @Override
  public void close() {
    try {
      client.stop();
    } catch (RuntimeException e) {
      LOG.debug("stopping SSH client of {}: {}", target, e.toString());
    }
  }

  /** One SFTP (version 3) channel on {@code session}. */
  private static SftpClient channel(ClientSession session) throws IOException {
    return SftpClientFactory.instance()
        .createSftpClient(session, SftpVersionSelector.fixedVersionSelector(3));
  }
}
