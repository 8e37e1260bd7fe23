package dev.walship.server.auth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One user's authorized-keys file in OpenSSH's format: one key per line, optionally preceded by
 * options, followed by a comment; blank lines and {@code #} comments are skipped.
 *
 * <p>The file is re-read whenever its modification time, size or inode changes, so edits take
 * effect at the next login without a restart. Like sshd's {@code StrictModes}, a file writable by
 * group or others yields no keys. Options: {@code from="…"} is honoured; {@code command="…"} is
 * honoured as {@link ForcedCommand} says ({@code internal-sftp -R} is read-only; a command this
 * server cannot run as OpenSSH would refuses the key); options that only restrict what does not
 * exist here (ptys, forwarding: this server offers nothing but SFTP) are accepted; a line with any
 * other option, or with a key type other than ed25519, ecdsa or rsa, is skipped with a warning
 * naming the file and line (fail closed).
 */
public final class AuthorizedKeysFile {
  /**
   * One listed key: the key, its {@code SHA256:} fingerprint, its {@code from=} (or null), its
   * line, what its {@code command=} leaves it, and why it is refused (null when it may log in). A
   * refused key is kept, not skipped, so that as in sshd the first line matching the client
   * decides.
   */
  public record Key(
      PublicKey key,
      String fingerprint,
      FromPatterns from,
      int line,
      SftpAccess access,
      String refusal) {}

  private static final Logger LOG = LoggerFactory.getLogger(AuthorizedKeysFile.class);
  private static final Set<String> KEY_TYPES =
      Set.of(
          "ssh-ed25519",
          "ecdsa-sha2-nistp256",
          "ecdsa-sha2-nistp384",
          "ecdsa-sha2-nistp521",
          "ssh-rsa");
  private static final Set<String> IRRELEVANT_OPTIONS =
      Set.of(
          "environment",
          "no-agent-forwarding",
          "no-port-forwarding",
          "no-pty",
          "no-user-rc",
          "no-x11-forwarding",
          "permitopen",
          "permitlisten",
          "restrict",
          "agent-forwarding",
          "port-forwarding",
          "pty",
          "user-rc",
          "x11-forwarding",
          "no-touch-required",
          "tunnel");

  private record Snapshot(FileTime modified, long size, Object fileKey, List<Key> keys) {}

  private final Path file;
  private volatile Snapshot snapshot;

  public AuthorizedKeysFile(Path file) {
    this.file = file;
  }

  public Path file() {
    return file;
  }

  /**
   * The usable keys, re-reading the file if it changed.
   *
   * @throws IOException when the file cannot be read or is writable by group or others
   */
  public List<Key> keys() throws IOException {
    PosixFileAttributes a = Files.readAttributes(file, PosixFileAttributes.class);
    Set<PosixFilePermission> p = a.permissions();
    if (p.contains(PosixFilePermission.GROUP_WRITE)
        || p.contains(PosixFilePermission.OTHERS_WRITE)) {
      throw new IOException(
          "authorized-keys file "
              + file
              + " is writable by group or others; refusing its keys (chmod go-w)");
    }
    Snapshot s = snapshot;
    if (s != null
        && s.modified().equals(a.lastModifiedTime())
        && s.size() == a.size()
        && Objects.equals(s.fileKey(), a.fileKey())) {
      return s.keys();
    }
    List<Key> keys = parse(Files.readAllLines(file));
    snapshot = new Snapshot(a.lastModifiedTime(), a.size(), a.fileKey(), keys);
    LOG.info(
        "authorized-keys {}: {} usable key(s)",
        file,
        keys.stream().filter(k -> k.refusal() == null).count());
    return keys;
  }

  private List<Key> parse(List<String> lines) {
    List<Key> keys = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      try {
        Key key = parseLine(line, i + 1);
        if (key.refusal() != null) {
          LOG.warn("authorized-keys {} line {}: {}", file, i + 1, key.refusal());
        }
        keys.add(key);
      } catch (IllegalArgumentException | IOException | GeneralSecurityException e) {
        LOG.warn("authorized-keys {} line {}: skipped: {}", file, i + 1, e.getMessage());
      }
    }
    return List.copyOf(keys);
  }

  private static Key parseLine(String line, int number)
      throws IOException, GeneralSecurityException {
    int optionsEnd = line.matches("^(ssh-|ecdsa-|sk-).*") ? 0 : optionsEnd(line);
    Map<String, String> options = KeyOptions.parse(line.substring(0, optionsEnd));
    String[] parts = line.substring(optionsEnd).strip().split("\\s+", 3);
    if (parts.length < 2) {
      throw new IllegalArgumentException("expected '[options] type base64-key [comment]'");
    }
    if (!KEY_TYPES.contains(parts[0])) {
      throw new IllegalArgumentException(
          "key type " + parts[0] + " is not accepted (ed25519, ecdsa or rsa only)");
    }
    FromPatterns from = null;
    SftpAccess access = SftpAccess.READ_WRITE;
    String refusal = null;
    for (Map.Entry<String, String> o : options.entrySet()) {
      if (o.getKey().equals("from")) {
        from = FromPatterns.parse(Objects.requireNonNullElse(o.getValue(), ""));
      } else if (o.getKey().equals("command")) {
        try {
          access = ForcedCommand.access(Objects.requireNonNullElse(o.getValue(), ""));
        } catch (IllegalArgumentException e) {
          refusal = e.getMessage();
        }
      } else if (!IRRELEVANT_OPTIONS.contains(o.getKey())) {
        throw new IllegalArgumentException(
            "option '" + o.getKey() + "' is not supported by replica-server");
      }
    }
    PublicKey key =
        PublicKeyEntry.parsePublicKeyEntry(parts[0] + " " + parts[1])
            .resolvePublicKey(null, Map.of(), PublicKeyEntryResolver.FAILING);
    if (key == null) {
      throw new IllegalArgumentException("cannot decode the " + parts[0] + " key");
    }
    if (key instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() < 1024) {
      throw new IllegalArgumentException(
          "RSA key of " + rsa.getModulus().bitLength() + " bits is too short");
    }
    return new Key(key, HostKey.fingerprint(key), from, number, access, refusal);
  }

  /** Where the options before the key type end: the first whitespace outside double quotes. */
  private static int optionsEnd(String line) {
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '\\' && quoted && i + 1 < line.length()) {
        i++;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (Character.isWhitespace(c) && !quoted) {
        return i;
      }
    }
    throw new IllegalArgumentException(
        quoted ? "unbalanced quote in options" : "no key after the options");
  }
}
