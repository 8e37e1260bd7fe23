package dev.walship.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.server.ServerFixture;
import dev.walship.testing.OpenSshClient;
import dev.walship.testing.Proc;
import dev.walship.testing.SshKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Authentication as the real OpenSSH client sees it. */
class UserKeyAuthenticatorTest {
  @TempDir static Path dir;
  static ServerFixture f;
  static SshKeys.KeyPair other;
  static SshKeys.KeyPair ecdsa;
  static SshKeys.KeyPair rsa;

  @BeforeAll
  static void start() throws Exception {
    f = ServerFixture.start(dir);
    Path keys = Files.createDirectories(dir.resolve("more"));
    other = SshKeys.generate(keys, "other", "ed25519");
    ecdsa = SshKeys.generate(keys, "ecdsa", "ecdsa");
    rsa = SshKeys.generate(keys, "rsa", "rsa");
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  @AfterEach
  void restoreKeys() throws Exception {
    authorize(f.key.publicLine());
  }

  private static void authorize(String... lines) throws Exception {
    Files.writeString(f.authorizedKeys, String.join("\n", lines) + "\n");
  }

  private static Proc.Result pwd(OpenSshClient c) {
    return c.sftp(f.dir, "pwd");
  }

  @Test
  void theAuthorizedKeyLogsIn() {
    Proc.Result r = pwd(f.client);
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.stdout().contains("Remote working directory: /"), r.toString());
  }

  @Test
  void unknownUserAndWrongKeyFailIdenticallyAndOnlyPublicKeyIsOffered() {
    Proc.Result wrongKey = pwd(f.client.identity(other.privateKey()));
    Proc.Result unknownUser = pwd(f.client.as("nobody"));
    assertNotEquals(0, wrongKey.exit());
    assertEquals(wrongKey.exit(), unknownUser.exit());
    assertEquals(
        wrongKey.stderr().replace("replicator@", "USER@"),
        unknownUser.stderr().replace("nobody@", "USER@"));
    assertTrue(wrongKey.stderr().contains("Permission denied (publickey)."), wrongKey.toString());
  }

  @Test
  void passwordAndKeyboardInteractiveAreNotEvenOffered() {
    Proc.Result r =
        f.client
            .with("-o", "PreferredAuthentications=password,keyboard-interactive,hostbased")
            .ssh("-v", "true");
    assertNotEquals(0, r.exit());
    assertTrue(
        r.stderr().matches("(?s).*Authentications that can continue: publickey\\r?\n.*"),
        r.toString());
    assertTrue(r.stderr().contains("No more authentication methods to try."), r.toString());
  }

  @Test
  void ecdsaAndRsaSha2Keys() throws Exception {
    authorize(ecdsa.publicLine(), rsa.publicLine());
    assertEquals(0, pwd(f.client.identity(ecdsa.privateKey())).exit());
    assertEquals(
        0,
        pwd(f.client.identity(rsa.privateKey()).with("-o", "PubkeyAcceptedAlgorithms=rsa-sha2-256"))
            .exit());
    assertEquals(
        0,
        pwd(f.client.identity(rsa.privateKey()).with("-o", "PubkeyAcceptedAlgorithms=rsa-sha2-512"))
            .exit());
    Proc.Result sha1 =
        pwd(f.client.identity(rsa.privateKey()).with("-o", "PubkeyAcceptedAlgorithms=ssh-rsa"));
    assertNotEquals(0, sha1.exit(), "ssh-rsa (SHA-1) signatures are refused: " + sha1);
  }

  @Test
  void fromIsHonoured() throws Exception {
    authorize("from=\"10.0.0.0/8\" " + f.key.publicLine());
    assertNotEquals(0, pwd(f.client).exit());
    authorize("from=\"10.0.0.0/8,127.0.0.1\" " + f.key.publicLine());
    assertEquals(0, pwd(f.client).exit());
    authorize("from=\"127.0.0.0/8,!127.0.0.1\" " + f.key.publicLine());
    assertNotEquals(0, pwd(f.client).exit());
  }

  @Test
  void theFileIsReReadWhenItChanges() throws Exception {
    assertNotEquals(0, pwd(f.client.identity(other.privateKey())).exit());
    authorize(f.key.publicLine(), other.publicLine());
    assertEquals(0, pwd(f.client.identity(other.privateKey())).exit());
    authorize(f.key.publicLine());
    assertNotEquals(0, pwd(f.client.identity(other.privateKey())).exit());
  }

  @Test
  void atMostSixAttemptsPerConnection() throws Exception {
    Path keys = Files.createDirectories(dir.resolve("six"));
    List<String> wrong = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      if (!Files.exists(keys.resolve("k" + i))) {
        SshKeys.generate(keys, "k" + i, "ed25519");
      }
      wrong.add("-i");
      wrong.add(keys.resolve("k" + i).toString());
    }
    // Five refused keys, then the right one: allowed.
    OpenSshClient fifthThenRight =
        f.client
            .identity(keys.resolve("k0"))
            .with(concat(wrong.subList(2, 10), List.of("-i", f.key.privateKey().toString())));
    Proc.Result ok = pwd(fifthThenRight);
    assertEquals(0, ok.exit(), ok.toString());
    // Six refused keys: the connection is closed before the right one is tried.
    OpenSshClient sixThenRight =
        f.client
            .identity(keys.resolve("k0"))
            .with(concat(wrong.subList(2, 12), List.of("-i", f.key.privateKey().toString())));
    Proc.Result refused = pwd(sixThenRight);
    assertNotEquals(0, refused.exit(), refused.toString());
    assertTrue(refused.stderr().contains("Too many authentication failures"), refused.toString());
  }

  private static String[] concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all.toArray(String[]::new);
  }
}
