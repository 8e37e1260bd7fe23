package dev.walship.agent.sftp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.testing.OpenSshServer;
import dev.walship.testing.Proc;
import dev.walship.testing.SshKeys;
import dev.walship.testing.TestTools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Client identity: the configured key file (plain, encrypted, PEM) and/or password, nothing else.
 */
class ClientIdentityTest {
  private static final String PASSPHRASE = "s3cret passphrase";

  @TempDir static Path tmp;
  static SshKeys.KeyPair encrypted;
  static SshKeys.KeyPair pemRsa;
  static SftpFixture fx;

  @BeforeAll
  static void setUp() throws IOException {
    Path keys = Files.createDirectories(tmp.resolve("keys"));
    encrypted = SshKeys.generate(keys, "id_encrypted", "ed25519", PASSPHRASE);
    Path pem = keys.resolve("id_rsa_pem");
    Proc.run(
            Duration.ofSeconds(60),
            TestTools.onPath("ssh-keygen").toString(),
            "-q",
            "-t",
            "rsa",
            "-b",
            "3072",
            "-m",
            "PEM",
            "-N",
            "",
            "-C",
            "pem",
            "-f",
            pem.toString())
        .orThrow();
    pemRsa = SshKeys.load(pem);
    fx =
        SftpFixture.start(
            tmp.resolve("sshd"),
            b ->
                b.authorizedKey(encrypted.publicLine())
                    .authorizedKey(pemRsa.publicLine())
                    .passwordAuthentication());
  }

  @AfterAll
  static void stop() {
    if (fx != null) {
      fx.close();
    }
  }

  private static SftpTarget withKey(Path key, String passphrase, String password) {
    SftpTarget t = fx.target(tmp.resolve("replica").toString());
    return new SftpTarget(
        t.host(), t.port(), t.user(), password, t.path(), key, passphrase, t.hostKey(), null);
  }

  @Test
  void anEncryptedKeyWithItsPassphraseLogsIn() throws IOException {
    ClientIdentity id = ClientIdentity.of(withKey(encrypted.privateKey(), PASSPHRASE, null));
    assertEquals(1, id.keys().size());
    assertEquals(encrypted.fingerprint(), HostKeyPolicy.fingerprint(id.keys().get(0).getPublic()));
    try (SftpReplicaStore store =
        SftpReplicaStore.open(withKey(encrypted.privateKey(), PASSPHRASE, null), fx.options())) {
      store.list("");
    }
  }

  @Test
  void anEncryptedKeyWithoutPassphraseIsReportedNamingTheFile() {
    SftpStoreException e =
        assertThrows(
            SftpStoreException.class,
            () -> SftpReplicaStore.open(withKey(encrypted.privateKey(), null, null), fx.options()));
    assertTrue(e.permanent());
    assertEquals(
        fx.target(tmp.resolve("replica").toString()).location()
            + ": key-path "
            + encrypted.privateKey()
            + ": the key is encrypted; set key-passphrase to its passphrase",
        e.getMessage());
  }

  @Test
  void aWrongPassphraseIsReportedAsSuch() {
    ClientIdentity.KeyFileException e =
        assertThrows(
            ClientIdentity.KeyFileException.class,
            () -> ClientIdentity.load(encrypted.privateKey(), "not it"));
    assertEquals(
        "key-path "
            + encrypted.privateKey()
            + ": wrong key-passphrase (the key cannot be decrypted with it)",
        e.getMessage());
  }

  @Test
  void pemKeysAreRead() throws IOException {
    List<KeyPair> keys = ClientIdentity.load(pemRsa.privateKey(), null);
    assertEquals("ssh-rsa", KeyUtils.getKeyType(keys.get(0)));
    try (SftpReplicaStore store =
        SftpReplicaStore.open(withKey(pemRsa.privateKey(), null, null), fx.options())) {
      store.list("");
    }
    Path encryptedPem = tmp.resolve("keys/id_ecdsa_pem");
    Proc.run(
            Duration.ofSeconds(60),
            TestTools.onPath("ssh-keygen").toString(),
            "-q",
            "-t",
            "ecdsa",
            "-m",
            "PEM",
            "-N",
            PASSPHRASE,
            "-f",
            encryptedPem.toString())
        .orThrow();
    assertEquals(
        "ecdsa-sha2-nistp256",
        KeyUtils.getKeyType(ClientIdentity.load(encryptedPem, PASSPHRASE).get(0)));
    ClientIdentity.KeyFileException e =
        assertThrows(
            ClientIdentity.KeyFileException.class, () -> ClientIdentity.load(encryptedPem, null));
    assertTrue(
        e.getMessage().endsWith("the key is encrypted; set key-passphrase to its passphrase"),
        e.getMessage());
  }

  @Test
  void unusableFilesAreReportedInOneLine() throws IOException {
    Path missing = tmp.resolve("nope");
    assertEquals(
        "key-path " + missing + ": no such file",
        assertThrows(
                ClientIdentity.KeyFileException.class, () -> ClientIdentity.load(missing, null))
            .getMessage());
    Path text = Files.writeString(tmp.resolve("not-a-key"), "hello\n");
    String m =
        assertThrows(ClientIdentity.KeyFileException.class, () -> ClientIdentity.load(text, null))
            .getMessage();
    assertTrue(m.startsWith("key-path " + text + ": "), m);
    assertFalse(m.contains("\n"), m);
    Path pub = encrypted.publicKey();
    m =
        assertThrows(ClientIdentity.KeyFileException.class, () -> ClientIdentity.load(pub, null))
            .getMessage();
    assertTrue(m.startsWith("key-path " + pub + ": "), m);
  }

  @Test
  void aKeyOrAPasswordIsRequired() {
    SftpTarget none = withKey(null, null, null);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ClientIdentity.of(none));
    assertEquals(
        none.location() + ": no key-path and no password set: set key-path to a private key",
        e.getMessage());
  }

  @Test
  void aKeyTheServerDoesNotKnowIsRefusedNamingUserAndKey() throws IOException {
    SshKeys.KeyPair stranger =
        SshKeys.generate(Files.createTempDirectory(tmp, "k"), "id_stranger", "ed25519");
    fx.sleeps.clear();
    try (SftpReplicaStore store =
        SftpReplicaStore.open(withKey(stranger.privateKey(), null, null), fx.options())) {
      SftpStoreException e = assertThrows(SftpStoreException.class, store::checkAccess);
      assertTrue(e.permanent());
      assertEquals(
          store.location()
              + ": authentication refused for user 'root' (tried: key-path "
              + stranger.privateKey()
              + " (ssh-ed25519 "
              + stranger.fingerprint()
              + ")): is the public key in that user's authorized keys"
              + " on the server?",
          e.getMessage());
      assertEquals(List.of(), fx.sleeps, "not retried");
    }
  }

  @Test
  void aWrongPasswordIsRefusedNamingIt() throws IOException {
    try (SftpReplicaStore store =
        SftpReplicaStore.open(withKey(null, null, "wrong"), fx.options())) {
      SftpStoreException e = assertThrows(SftpStoreException.class, store::checkAccess);
      assertEquals(
          store.location()
              + ": authentication refused for user 'root' (tried: password): is the public key"
              + " in that user's authorized keys on the server, or is the password right?",
          e.getMessage());
    }
    assertTrue(
        fx.server.log().contains("Failed password for root"), "sshd saw the password attempt");
  }

  @Test
  void aRightPasswordLogsIn(@TempDir Path dir) throws IOException {
    Path root = Files.createDirectories(dir.resolve("root"));
    try (MinaSftpServer mina = MinaSftpServer.start(dir, root, true);
        SftpReplicaStore store =
            SftpReplicaStore.open(mina.target("/db", MinaSftpServer.PASSWORD), fx.options())) {
      store.write(
          new dev.walship.format.layout.WalSegmentName(
              dev.walship.format.layout.Generation.parse("0000000000000001"), 0, 0),
          java.time.Instant.EPOCH,
          out -> out.write(42));
      assertTrue(
          Files.exists(
              root.resolve("db/generations/0000000000000001/wal/00000000_00000000.wal.lz4")));
    }
  }

  @Test
  void toStringHidesThePassword() throws IOException {
    ClientIdentity id = ClientIdentity.of(withKey(null, null, "hunter2"));
    assertFalse(id.toString().contains("hunter2"), id.toString());
    assertEquals(OpenSshServer.USER, fx.target("").user());
  }
}
