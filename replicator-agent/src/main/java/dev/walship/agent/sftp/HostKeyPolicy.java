package dev.walship.agent.sftp;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.digest.BuiltinDigests;

/**
 * Which server host keys the agent trusts (docs/design.md §7; Litestream v0.3 trusted any key,
 * CVE-2024-41254). Invariant: a key is trusted only when it equals the pinned {@code host-key} (a
 * {@code SHA256:} fingerprint or an OpenSSH public-key line) or a non-revoked line of the {@code
 * known-hosts} file for this host and port; only when neither setting is given is {@code
 * ~/.ssh/known_hosts} consulted. A key listed {@code @revoked} is refused even when pinned. When
 * the host is known (pinned, or listed) with other keys, the key has CHANGED: refused, and the
 * message shows both fingerprints. Otherwise the key is unknown: refused, and the message shows the
 * setting that would trust it.
 */
final class HostKeyPolicy {
  /** The outcome of one check; {@code problem} is a one-line reason when not trusted. */
  record Verdict(boolean trusted, String problem) {
    static final Verdict TRUSTED = new Verdict(true, null);
  }

  private final String host;
  private final int port;
  private final String pinnedFingerprint;
  private final PublicKey pinnedKey;
  private final KnownHostsFile knownHosts;

  private HostKeyPolicy(
      String host, int port, String pinnedFingerprint, PublicKey pinnedKey, KnownHostsFile kh) {
    this.host = host;
    this.port = port;
    this.pinnedFingerprint = pinnedFingerprint;
    this.pinnedKey = pinnedKey;
    this.knownHosts = kh;
  }

  /**
   * The policy of {@code target}; {@code userHome} is where {@code .ssh/known_hosts} is looked for
   * when the target sets neither {@code host-key} nor {@code known-hosts}.
   *
   * @throws IllegalArgumentException when {@code host-key} is neither form
   */
  static HostKeyPolicy of(SftpTarget target, Path userHome) {
    String pin = target.hostKey();
    String fingerprint = null;
    PublicKey key = null;
    if (pin != null) {
      if (pin.startsWith("SHA256:")) {
        fingerprint = stripPadding(pin.trim());
      } else {
        key = parsePublicKeyLine(pin);
      }
    }
    KnownHostsFile kh = null;
    if (target.knownHosts() != null) {
      kh = new KnownHostsFile(target.knownHosts(), true);
    } else if (pin == null) {
      kh = new KnownHostsFile(userHome.resolve(".ssh").resolve("known_hosts"), false);
    }
    return new HostKeyPolicy(target.host(), target.port(), fingerprint, key, kh);
  }

  private static PublicKey parsePublicKeyLine(String line) {
    try {
      PublicKeyEntry entry = PublicKeyEntry.parsePublicKeyEntry(line.trim());
      if (entry != null) {
        return entry.resolvePublicKey(null, null, PublicKeyEntryResolver.FAILING);
      }
    } catch (RuntimeException | IOException | GeneralSecurityException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "host-key: expected a SHA256:… fingerprint or an OpenSSH public key line"
            + " (ssh-ed25519 AAAA… [comment]), got '"
            + line
            + "'");
  }

  /** {@code SHA256:…} of {@code key}, as {@code ssh-keygen -l} prints it. */
  static String fingerprint(PublicKey key) {
    return KeyUtils.getFingerPrint(BuiltinDigests.sha256, key);
  }

  private static String stripPadding(String fp) {
    int end = fp.length();
    while (end > 0 && fp.charAt(end - 1) == '=') {
      end--;
    }
    return fp.substring(0, end);
  }

  /** Checks the key the server offered. Reads the known-hosts file afresh. */
  Verdict check(PublicKey offered) throws IOException {
    List<KnownHostsFile.Line> lines =
        knownHosts == null ? List.of() : knownHosts.linesFor(host, port);
    for (KnownHostsFile.Line line : lines) {
      if (line.revoked() && KeyUtils.compareKeys(line.key(), offered)) {
        return new Verdict(
            false,
            "host key REVOKED: the server offered "
                + describe(offered)
                + ", which "
                + line.where()
                + " marks @revoked; refusing to connect");
      }
    }
    if (fingerprint(offered).equals(pinnedFingerprint)
        || (pinnedKey != null && KeyUtils.compareKeys(pinnedKey, offered))) {
      return Verdict.TRUSTED;
    }
    for (KnownHostsFile.Line line : lines) {
      if (!line.revoked() && KeyUtils.compareKeys(line.key(), offered)) {
        return Verdict.TRUSTED;
      }
    }
    List<String> known = knownKeys(lines);
    return new Verdict(false, known.isEmpty() ? unknown(offered) : changed(offered, known));
  }

  private static String changed(PublicKey offered, List<String> known) {
    return "host key CHANGED: the server offered "
        + describe(offered)
        + ", but "
        + String.join(" and ", known)
        + "; someone may be intercepting the connection, or the server got a new key:"
        + " check with the server's operator before updating host-key/known-hosts";
  }

  /** Nothing pinned (else the key would have CHANGED), so a known-hosts file was consulted. */
  private String unknown(PublicKey offered) {
    return "host key not trusted: the server offered "
        + describe(offered)
        + ", which is not in "
        + knownHosts.file()
        + "; if this is your server (compare with its printed fingerprint), add to the"
        + " replica's config: host-key: "
        + fingerprint(offered);
  }

  private List<String> knownKeys(List<KnownHostsFile.Line> lines) {
    List<String> out = new ArrayList<>();
    if (pinnedFingerprint != null) {
      out.add("host-key pins " + pinnedFingerprint);
    } else if (pinnedKey != null) {
      out.add("host-key pins " + describe(pinnedKey));
    }
    for (KnownHostsFile.Line line : lines) {
      if (!line.revoked()) {
        out.add(line.where() + " lists " + describe(line.key()));
      }
    }
    return out;
  }

  private static String describe(PublicKey key) {
    return KeyUtils.getKeyType(key) + " key " + fingerprint(key);
  }

  /**
   * Key types this host is known with (pinned line, known-hosts lines), so that the connection
   * prefers a host-key algorithm it can verify, as OpenSSH does. Empty when only a fingerprint is
   * pinned or nothing is known.
   */
  Set<String> knownKeyTypes() throws IOException {
    Set<String> types = new LinkedHashSet<>();
    if (pinnedKey != null) {
      types.add(KeyUtils.getKeyType(pinnedKey));
    }
    if (knownHosts != null) {
      for (KnownHostsFile.Line line : knownHosts.linesFor(host, port)) {
        if (!line.revoked()) {
          types.add(KeyUtils.getKeyType(line.key()));
        }
      }
    }
    return types;
  }
}
