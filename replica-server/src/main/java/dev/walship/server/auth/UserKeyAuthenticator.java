package dev.walship.server.auth;

import dev.walship.server.audit.AuditEvents;
import dev.walship.server.audit.LogText;
import dev.walship.server.config.UserConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.PublicKey;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator;
import org.apache.sshd.server.session.ServerSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Public-key authentication against each configured user's authorized-keys file. An unknown user, a
 * key that is not listed and a key whose {@code from=} does not match the client all fail the same
 * way (the client learns nothing); the log says which it was. As in sshd, the first line listing
 * the key whose {@code from=} admits the client decides: its {@code command=} may make the session
 * read-only or refuse the key. After {@link #MAX_FAILURES} refused keys the connection is closed,
 * as sshd's {@code MaxAuthTries}.
 *
 * <p>On success the session carries what it logged in with, fixed for its lifetime: {@link
 * #KEY_FINGERPRINT} (for the login line), {@link #USER} (root and writable directories, even if a
 * reload changes them later) and {@link #ACCESS}. {@link #users} swaps the users for later logins.
 */
public final class UserKeyAuthenticator implements PublickeyAuthenticator {
  /** The {@code SHA256:} fingerprint of the key a session logged in with. */
  public static final AttributeKey<String> KEY_FINGERPRINT = new AttributeKey<>();

  /** The user's configuration at the session's login. */
  public static final AttributeKey<UserConfig> USER = new AttributeKey<>();

  /** What the session may do, as its key's {@code command=} left it. */
  public static final AttributeKey<SftpAccess> ACCESS = new AttributeKey<>();

  /** Refused keys after which a connection is closed (OpenSSH's MaxAuthTries). */
  public static final int MAX_FAILURES = 6;

  private static final AttributeKey<Integer> FAILURES = new AttributeKey<>();

  private static final Logger LOG = LoggerFactory.getLogger(UserKeyAuthenticator.class);

  private record Entry(UserConfig user, AuthorizedKeysFile keys) {}

  /** The outcome for one key: the access it grants, or why it is refused. */
  private record Verdict(SftpAccess access, String refusal) {
    static Verdict refuse(String why) {
      return new Verdict(null, why);
    }
  }

  private volatile Map<String, Entry> users = Map.of();
  private final AuditEvents events;

  public UserKeyAuthenticator(List<UserConfig> users) {
    this(users, AuditEvents.NONE);
  }

  /**
   * @param events told of every refused key (metrics)
   */
  public UserKeyAuthenticator(List<UserConfig> users, AuditEvents events) {
    this.events = events;
    users(users);
  }

  /**
   * The users later logins are checked against. Sessions already logged in keep theirs. A file
   * already known (same path) keeps its parsed keys.
   */
  public synchronized void users(List<UserConfig> next) {
    Map<String, Entry> old = users;
    Map<String, Entry> map = new LinkedHashMap<>();
    for (UserConfig u : next) {
      AuthorizedKeysFile keys =
          old.values().stream()
              .map(Entry::keys)
              .filter(k -> k.file().equals(u.authorizedKeys()))
              .findFirst()
              .orElseGet(() -> new AuthorizedKeysFile(u.authorizedKeys()));
      map.put(u.name(), new Entry(u, keys));
    }
    users = Map.copyOf(map);
  }

  @Override
  public boolean authenticate(String username, PublicKey key, ServerSession session) {
    String fingerprint = HostKey.fingerprint(key);
    String address = address(session.getClientAddress());
    Entry entry = users.get(username);
    Verdict v = verdict(entry, key, fingerprint, clientIp(session.getClientAddress()));
    if (v.refusal() != null) {
      events.loginRefused();
      LOG.info(
          "auth refused user={} address={} key={}: {}",
          LogText.field(username),
          LogText.field(address),
          LogText.field(fingerprint),
          LogText.text(v.refusal()));
      int failures =
          session.getAttribute(FAILURES) == null ? 1 : session.getAttribute(FAILURES) + 1;
      session.setAttribute(FAILURES, failures);
      if (failures >= MAX_FAILURES) {
        disconnect(session, address);
      }
      return false;
    }
    session.setAttribute(KEY_FINGERPRINT, fingerprint);
    session.setAttribute(USER, entry.user());
    session.setAttribute(ACCESS, v.access());
    return true;
  }

  private static void disconnect(ServerSession session, String address) {
    LOG.info(
        "auth: {} refused keys from {}; closing the connection",
        MAX_FAILURES,
        LogText.field(address));
    try {
      session.disconnect(
          SshConstants.SSH2_DISCONNECT_NO_MORE_AUTH_METHODS_AVAILABLE,
          "Too many authentication failures");
    } catch (IOException e) {
      session.close(true);
    }
  }

  /** The first line listing {@code key} whose {@code from=} admits {@code client} decides. */
  private static Verdict verdict(
      Entry entry, PublicKey key, String fingerprint, InetAddress client) {
    if (entry == null) {
      return Verdict.refuse("no such user");
    }
    AuthorizedKeysFile file = entry.keys();
    List<AuthorizedKeysFile.Key> keys;
    try {
      keys = file.keys();
    } catch (IOException e) {
      return Verdict.refuse("cannot use authorized-keys: " + e.getMessage());
    }
    String why = "key not in " + file.file();
    for (AuthorizedKeysFile.Key k : keys) {
      if (!k.fingerprint().equals(fingerprint) || !KeyUtils.compareKeys(k.key(), key)) {
        continue;
      }
      if (k.from() == null || (client != null && k.from().allows(client))) {
        return k.refusal() == null
            ? new Verdict(k.access(), null)
            : Verdict.refuse(file.file() + " line " + k.line() + ": " + k.refusal());
      }
      why =
          "from=\""
              + k.from()
              + "\" ("
              + file.file()
              + " line "
              + k.line()
              + ") does not allow "
              + (client == null ? "an unknown address" : Addresses.text(client));
    }
    return Verdict.refuse(why);
  }

  private static InetAddress clientIp(SocketAddress a) {
    return a instanceof InetSocketAddress isa ? isa.getAddress() : null;
  }

  /** {@code ip:port} of a client, the address as OpenSSH prints it ({@link Addresses#text}). */
  public static String address(SocketAddress a) {
    return Addresses.text(a);
  }
}
