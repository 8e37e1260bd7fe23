package dev.walship.server.auth;

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
 * Public-key authentication against each configured user's authorized-keys file. An unknown user,
 * a key that is not listed and a key whose {@code from=} does not match the client all fail the
 * same way (the client learns nothing); the log says which it was. After {@link #MAX_FAILURES}
 * refused keys the connection is closed, as sshd's {@code MaxAuthTries}. On success the key's
 * fingerprint is kept on the session under {@link #KEY_FINGERPRINT} for the login line.
 */
public final class UserKeyAuthenticator implements PublickeyAuthenticator {
  /** The {@code SHA256:} fingerprint of the key a session logged in with. */
  public static final AttributeKey<String> KEY_FINGERPRINT = new AttributeKey<>();
  /** Refused keys after which a connection is closed (OpenSSH's MaxAuthTries). */
  public static final int MAX_FAILURES = 6;

  private static final AttributeKey<Integer> FAILURES = new AttributeKey<>();

  private static final Logger LOG = LoggerFactory.getLogger(UserKeyAuthenticator.class);

  private final Map<String, AuthorizedKeysFile> files = new LinkedHashMap<>();

  public UserKeyAuthenticator(List<UserConfig> users) {
    for (UserConfig u : users) {
      files.put(u.name(), new AuthorizedKeysFile(u.authorizedKeys()));
    }
  }

  @Override
  public boolean authenticate(String username, PublicKey key, ServerSession session) {
    String fingerprint = HostKey.fingerprint(key);
    String address = address(session.getClientAddress());
    String refusal = refusal(username, key, fingerprint, clientIp(session.getClientAddress()));
    if (refusal != null) {
      LOG.info("auth refused user={} address={} key={}: {}", LogText.field(username), LogText.field(address),
          LogText.field(fingerprint), LogText.text(refusal));
      int failures = session.getAttribute(FAILURES) == null ? 1 : session.getAttribute(FAILURES) + 1;
      session.setAttribute(FAILURES, failures);
      if (failures >= MAX_FAILURES) {
        disconnect(session, address);
      }
      return false;
    }
    session.setAttribute(KEY_FINGERPRINT, fingerprint);
    return true;
  }

  private static void disconnect(ServerSession session, String address) {
    LOG.info("auth: {} refused keys from {}; closing the connection", MAX_FAILURES, LogText.field(address));
    try {
      session.disconnect(SshConstants.SSH2_DISCONNECT_NO_MORE_AUTH_METHODS_AVAILABLE,
          "Too many authentication failures");
    } catch (IOException e) {
      session.close(true);
    }
  }

  /** Why the key is refused, or null when it is accepted. */
  private String refusal(String username, PublicKey key, String fingerprint, InetAddress client) {
    AuthorizedKeysFile file = files.get(username);
    if (file == null) {
      return "no such user";
    }
    List<AuthorizedKeysFile.Key> keys;
    try {
      keys = file.keys();
    } catch (IOException e) {
      return "cannot use authorized-keys: " + e.getMessage();
    }
    String why = "key not in " + file.file();
    for (AuthorizedKeysFile.Key k : keys) {
      if (!k.fingerprint().equals(fingerprint) || !KeyUtils.compareKeys(k.key(), key)) {
        continue;
      }
      if (k.from() == null || (client != null && k.from().allows(client))) {
        return null;
      }
      why = "from=\"" + k.from() + "\" (" + file.file() + " line " + k.line() + ") does not allow " + client;
    }
    return why;
  }

  private static InetAddress clientIp(SocketAddress a) {
    return a instanceof InetSocketAddress isa ? isa.getAddress() : null;
  }

  /** {@code ip:port} of a client. */
  public static String address(SocketAddress a) {
    if (a instanceof InetSocketAddress isa && isa.getAddress() != null) {
      return isa.getAddress().getHostAddress() + ":" + isa.getPort();
    }
    return String.valueOf(a);
  }
}
