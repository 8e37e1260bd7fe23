package dev.walship.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The real {@code age} and {@code age-keygen} (Debian's age package), to cross-check age files. */
public final class AgeCli {
  /**
   * A key pair as {@code age-keygen} writes it.
   *
   * @param file the key file (comments, then the identity line)
   * @param identity {@code AGE-SECRET-KEY-1…}
   * @param recipient {@code age1…}
   */
  public record KeyPair(Path file, String identity, String recipient) {
    /** The whole key file's text, as a config's {@code identities:} item may hold it. */
    public String fileText() {
      try {
        return Files.readString(file);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private AgeCli() {}

  /** A new key pair in {@code dir}/{@code name}. */
  public static KeyPair keygen(Path dir, String name) {
    Path file = dir.resolve(name);
    Proc.run(
            Duration.ofSeconds(30),
            TestTools.onPath("age-keygen").toString(),
            "-o",
            file.toString())
        .orThrow();
    try {
      String identity = null;
      String recipient = null;
      for (String line : Files.readAllLines(file)) {
        if (line.startsWith("AGE-SECRET-KEY-1")) {
          identity = line;
        } else if (line.startsWith("# public key: ")) {
          recipient = line.substring("# public key: ".length());
        }
      }
      return new KeyPair(file, identity, recipient);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code age -r … -o out in}. */
  public static void encrypt(Path in, Path out, String... recipients) {
    List<String> cmd = new ArrayList<>(List.of(TestTools.onPath("age").toString()));
    for (String r : recipients) {
      cmd.add("-r");
      cmd.add(r);
    }
    cmd.addAll(List.of("-o", out.toString(), in.toString()));
    Proc.run(Duration.ofSeconds(60), cmd.toArray(String[]::new)).orThrow();
  }

  /** {@code age -d -i identityFile -o out in}; the result, which the caller checks. */
  public static Proc.Result decrypt(Path in, Path out, Path identityFile) {
    return Proc.run(
        Duration.ofSeconds(60),
        null,
        Map.of(),
        null,
        TestTools.onPath("age").toString(),
        "-d",
        "-i",
        identityFile.toString(),
        "-o",
        out.toString(),
        in.toString());
  }
}
