package dev.walship.agent.sftp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An OpenSSH known_hosts file, read afresh for every connection: plain host patterns (with {@code
 * [host]:port}, wildcards and {@code !negation}, matched as OpenSSH does; MINA's own matcher treats
 * {@code *} as port 22 only), hashed {@code |1|salt|hash} names, and the {@code @revoked} marker.
 * {@code @cert-authority} lines are skipped (host certificates are not supported, and no
 * certificate host-key algorithm is offered). Lines that do not parse are logged with their line
 * number and skipped, as OpenSSH does.
 */
final class KnownHostsFile {
  private static final Logger LOG = LoggerFactory.getLogger(KnownHostsFile.class);

  /** One usable line for a host: where it is, whether it revokes, and its key. */
  record Line(Path file, int number, boolean revoked, PublicKey key) {
    String where() {
      return file + ":" + number;
    }
  }

  private final Path file;
  private final boolean mustExist;

  /**
   * @param mustExist a file the user named must exist; the default {@code ~/.ssh/known_hosts} may
   *     be missing, which means "knows no host"
   */
  KnownHostsFile(Path file, boolean mustExist) {
    this.file = file;
    this.mustExist = mustExist;
  }

  Path file() {
    return file;
  }

  /** The lines whose host patterns match {@code host} on {@code port}. */
  List<Line> linesFor(String host, int port) throws IOException {
    List<String> text;
    try {
      text = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      if (mustExist) {
        throw new NoSuchFileException(file.toString(), null, "known-hosts file does not exist");
      }
      return List.of();
    }
    List<Line> out = new ArrayList<>();
    for (int i = 0; i < text.size(); i++) {
      Line line = parse(text.get(i).trim(), i + 1, host, port);
      if (line != null) {
        out.add(line);
      }
    }
    return out;
  }

  /**
   * OpenSSH's rule: the host is looked up as {@code host} on port 22 and as {@code [host]:port}
   * otherwise; hashed names hash that string, plain patterns are globs ({@code *}, {@code ?})
   * matched against it, case-insensitively, and a matching {@code !pattern} excludes the line.
   */
  static boolean matches(KnownHostEntry entry, String text, String host, int port) {
    if (entry.getHashedEntry() != null) {
      return entry.getHashedEntry().isHostMatch(host, port);
    }
    String[] fields = text.split("\\s+");
    String patterns = fields[text.startsWith("@") ? 1 : 0];
    String name = port == 22 ? host : "[" + host + "]:" + port;
    boolean found = false;
    for (String p : patterns.split(",")) {
      boolean negated = p.startsWith("!");
      if (glob(negated ? p.substring(1) : p).matcher(name).matches()) {
        if (negated) {
          return false;
        }
        found = true;
      }
    }
    return found;
  }

  private static Pattern glob(String pattern) {
    StringBuilder re = new StringBuilder();
    for (char c : pattern.toCharArray()) {
      switch (c) {
        case '*' -> re.append(".*");
        case '?' -> re.append('.');
        default -> re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(re.toString(), Pattern.CASE_INSENSITIVE);
  }

  private Line parse(String text, int number, String host, int port) {
    if (text.isEmpty() || text.startsWith("#")) {
      return null;
    }
    try {
      KnownHostEntry entry = KnownHostEntry.parseKnownHostEntry(text);
      if (entry == null || !matches(entry, text, host, port)) {
        return null;
      }
      String marker = entry.getMarker();
      if (marker != null && !marker.equals("revoked")) {
        LOG.debug("{}:{}: skipping @{} line", file, number, marker);
        return null;
      }
      PublicKey key =
          entry.getKeyEntry().resolvePublicKey(null, null, PublicKeyEntryResolver.FAILING);
      return new Line(file, number, marker != null, key);
    } catch (RuntimeException | IOException | GeneralSecurityException e) {
      LOG.warn(
          "{}:{}: skipping a known_hosts line that does not parse: {}",
          file,
          number,
          e.getMessage());
      return null;
    }
  }
}
