package dev.walship.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** SSH key pairs made by the real {@code ssh-keygen}, as a user would make them. */
public final class SshKeys {
  /** A key pair on disk: the private key file, its {@code .pub} file and the public line. */
  public record KeyPair(Path privateKey, Path publicKey, String publicLine, String fingerprint) {}

  private SshKeys() {}

  /** An unencrypted key; {@code type} is {@code ed25519}, {@code ecdsa} or {@code rsa}. */
  public static KeyPair generate(Path dir, String name, String type) {
    return generate(dir, name, type, "");
  }

  /** A key protected by {@code passphrase} (empty: none), in OpenSSH's own format. */
  public static KeyPair generate(Path dir, String name, String type, String passphrase) {
    Path key = dir.resolve(name);
    Proc.run(
            Duration.ofSeconds(60),
            TestTools.onPath("ssh-keygen").toString(),
            "-q",
            "-t",
            type,
            "-N",
            passphrase,
            "-C",
            name + "@walship-test",
            "-f",
            key.toString())
        .orThrow();
    return load(key);
  }

  /** Reads a key pair made earlier. */
  public static KeyPair load(Path privateKey) {
    Path pub = Path.of(privateKey + ".pub");
    try {
      String line = Files.readString(pub).trim();
      return new KeyPair(privateKey, pub, line, fingerprint(pub));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code SHA256:…} of a public key file, as {@code ssh-keygen -lf} prints it. */
  public static String fingerprint(Path publicKeyFile) {
    String out =
        Proc.run(
                Duration.ofSeconds(30),
                TestTools.onPath("ssh-keygen").toString(),
                "-l",
                "-E",
                "sha256",
                "-f",
                publicKeyFile.toString())
            .orThrow()
            .stdout();
    return out.trim().split("\\s+")[1];
  }
}
