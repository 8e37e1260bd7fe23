package dev.walship.agent.sftp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.testing.OpenSshServer;
import dev.walship.testing.Proc;
import dev.walship.testing.SshKeys;
import dev.walship.testing.TcpProxy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SSH client: GCM first, verifiable host-key algorithms, and nothing read from ~/.ssh. */
class SshClientFactoryTest {

  @Test
  void ciphersPutGcmFirstAndChacha20Last() {
    assertEquals(
        List.of(
            "aes128-gcm@openssh.com",
            "aes256-gcm@openssh.com",
            "aes128-ctr",
            "aes192-ctr",
            "aes256-ctr",
            "chacha20-poly1305@openssh.com"),
        NamedResource.getNameList(SshClientFactory.ciphers()));
  }

  @Test
  void hostKeyAlgorithmsPreferKnownTypesAndOfferNoCertificatesOrSha1() {
    assertEquals(
        List.of(
            "ssh-ed25519",
            "ecdsa-sha2-nistp256",
            "ecdsa-sha2-nistp384",
            "ecdsa-sha2-nistp521",
            "rsa-sha2-512",
            "rsa-sha2-256"),
        NamedResource.getNameList(SshClientFactory.hostKeyAlgorithms(List.of())));
    assertEquals(
        List.of(
            "rsa-sha2-512",
            "rsa-sha2-256",
            "ssh-ed25519",
            "ecdsa-sha2-nistp256",
            "ecdsa-sha2-nistp384",
            "ecdsa-sha2-nistp521"),
        NamedResource.getNameList(SshClientFactory.hostKeyAlgorithms(List.of("ssh-rsa"))));
  }

  @Test
  void aServerWithoutGcmStillConnects(@TempDir Path dir) throws IOException {
    try (SftpFixture ctrOnly = SftpFixture.start(dir, b -> b.ciphers("aes128-ctr,aes256-ctr"));
        SftpReplicaStore store = ctrOnly.store(dir.toString())) {
      store.list("");
      assertEquals("aes128-ctr", store.cipher());
    }
  }

  @Test
  void heartbeatsNoticeADeadConnection(@TempDir Path dir) throws IOException {
    try (SftpFixture fx = SftpFixture.start(dir);
        TcpProxy proxy = TcpProxy.start(OpenSshServer.HOST, fx.server.port());
        SftpReplicaStore store =
            SftpReplicaStore.open(
                fx.target(dir.toString(), proxy.port()),
                fx.options().withHeartbeat(Duration.ofMillis(200), 2))) {
      store.list("");
      proxy.blackholeAll(); // the network goes silent: no reset, no data
      // hangs on the dead connection until the heartbeats give up (without them: the 10 min idle
      // timeout), then retries on a new connection
      assertTimeoutPreemptively(Duration.ofSeconds(30), () -> store.list(""));
      assertEquals(2, store.connectionNumber(), "the silent connection was replaced");
    }
  }

  @Test
  void theClientHasNoHooksIntoTheHomeDirectory() throws Exception {
    SshClient client = SshClientFactory.newClient(SftpOptions.defaults());
    assertSame(HostConfigEntryResolver.EMPTY, client.getHostConfigEntryResolver());
    assertNull(
        client
            .getHostConfigEntryResolver()
            .resolveEffectiveHost("example.org", 22, null, "root", null, null));
    assertSame(KeyIdentityProvider.EMPTY_KEYS_PROVIDER, client.getKeyIdentityProvider());
    assertNull(client.getAgentFactory());
    assertTrue(client.getServerKeyVerifier().getClass().getSimpleName().startsWith("RejectAll"));
  }

  /**
   * A JVM whose home holds an authorized {@code id_ed25519} and a {@code .ssh/config} aliasing the
   * server: MINA's defaults log in with them (so the trap is real); the store uses neither.
   */
  @Test
  void neverReadsTheSshConfigOrDefaultKeysOfItsHome(@TempDir Path dir) throws IOException {
    Path home = Files.createDirectories(dir.resolve("home"));
    Path ssh = Files.createDirectories(home.resolve(".ssh"));
    Files.setPosixFilePermissions(
        ssh, PosixFilePermissions.fromString("rwx------")); // as ssh wants it
    SshKeys.KeyPair homeKey = SshKeys.generate(ssh, "id_ed25519", "ed25519");
    SshKeys.KeyPair stranger =
        SshKeys.generate(Files.createDirectories(dir.resolve("keys")), "stranger", "ed25519");
    try (SftpFixture fx = SftpFixture.start(dir, b -> b.authorizedKey(homeKey.publicLine()))) {
      Files.writeString(
          ssh.resolve("config"),
          "Host "
              + HomeTrapProbe.ALIAS
              + "\n  HostName 127.0.0.1\n  Port "
              + fx.server.port()
              + "\n  User root\n  IdentityFile "
              + homeKey.privateKey()
              + "\n");
      assertEquals("RESULT mina-alias LOGGED-IN", probe(home, "mina-alias", fx, stranger));
      assertEquals("RESULT mina-direct LOGGED-IN", probe(home, "mina-direct", fx, stranger));

      String alias = probe(home, "store-alias", fx, stranger);
      assertEquals(
          "RESULT store-alias FAILED sftp://root@"
              + HomeTrapProbe.ALIAS
              + ":22: connect: unknown host (check the host name)",
          alias);
      String direct = probe(home, "store-direct", fx, stranger);
      assertEquals(
          "RESULT store-direct FAILED sftp://root@127.0.0.1:"
              + fx.server.port()
              + ": authentication refused for user 'root' (tried: key-path "
              + stranger.privateKey()
              + " (ssh-ed25519 "
              + stranger.fingerprint()
              + ")): is the public key in that user's authorized keys on the server?",
          direct);
    }
  }

  private static String probe(Path home, String mode, SftpFixture fx, SshKeys.KeyPair stranger) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cp =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Proc.Result r =
        Proc.run(
            Duration.ofMinutes(2),
            null,
            Map.of(),
            null,
            java,
            "-Duser.home=" + home,
            "-cp",
            cp,
            HomeTrapProbe.class.getName(),
            mode,
            String.valueOf(fx.server.port()),
            stranger.privateKey().toString(),
            fx.server.hostKeyFingerprint());
    return r.stdout().lines().filter(l -> l.startsWith("RESULT ")).findFirst().orElse(r.toString());
  }
}
