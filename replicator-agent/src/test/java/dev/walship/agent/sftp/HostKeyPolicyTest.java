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
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Host-key trust (docs/design.md §7, CVE-2024-41254): the policy on real keys and known_hosts files
 * made by ssh-keygen, and the store refusing or accepting OpenSSH's sshd accordingly.
 */
class HostKeyPolicyTest {
  private static final int PORT = 2222;

  @TempDir static Path tmp;
  static SshKeys.KeyPair serverKey;
  static SshKeys.KeyPair otherKey;
  static PublicKey offered;
  static SftpFixture fx;

  @BeforeAll
  static void keys() throws Exception {
    Path keys = Files.createDirectories(tmp.resolve("keys"));
    serverKey = SshKeys.generate(keys, "server", "ed25519");
    otherKey = SshKeys.generate(keys, "other", "ed25519");
    offered = publicKey(serverKey.publicLine());
    fx = SftpFixture.start(tmp.resolve("e2e"));
  }

  @AfterAll
  static void stop() {
    if (fx != null) {
      fx.close();
    }
  }

  static PublicKey publicKey(String line) throws Exception {
    return PublicKeyEntry.parsePublicKeyEntry(line)
        .resolvePublicKey(null, null, PublicKeyEntryResolver.FAILING);
  }

  private static SftpTarget target(String hostKey, Path knownHosts) {
    return new SftpTarget(
        "127.0.0.1", PORT, "replicator", null, "/db", null, null, hostKey, knownHosts);
  }

  private static HostKeyPolicy.Verdict check(String hostKey, Path knownHosts, Path home)
      throws IOException {
    return HostKeyPolicy.of(target(hostKey, knownHosts), home).check(offered);
  }

  private static Path file(String name, String... lines) throws IOException {
    return Files.write(tmp.resolve(name), List.of(lines));
  }

  private static String keyPart(SshKeys.KeyPair k) {
    String[] p = k.publicLine().split(" ");
    return p[0] + " " + p[1];
  }

  private static Path emptyHome() throws IOException {
    return Files.createTempDirectory(tmp, "home");
  }

  @Test
  void fingerprintsAreTheOnesSshKeygenPrints() {
    assertEquals(serverKey.fingerprint(), HostKeyPolicy.fingerprint(offered));
  }

  @Test
  void aPinnedFingerprintOrKeyLineIsTrusted() throws IOException {
    assertTrue(check(serverKey.fingerprint(), null, emptyHome()).trusted());
    assertTrue(
        check(serverKey.fingerprint() + "=", null, emptyHome()).trusted(),
        "base64 padding is fine");
    assertTrue(check(serverKey.publicLine(), null, emptyHome()).trusted(), "with its comment");
    assertTrue(check(keyPart(serverKey), null, emptyHome()).trusted(), "without a comment");
  }

  @Test
  void anUnknownKeyIsRefusedWithItsFingerprintAndTheSettingToAdd() throws IOException {
    Path home = emptyHome();
    HostKeyPolicy.Verdict v = check(null, null, home);
    assertFalse(v.trusted());
    assertEquals(
        "host key not trusted: the server offered ssh-ed25519 key "
            + serverKey.fingerprint()
            + ", which is not in "
            + home.resolve(".ssh/known_hosts")
            + "; if this is your server (compare with its printed fingerprint), add to the replica's config: host-key: "
            + serverKey.fingerprint(),
        v.problem());
  }

  @Test
  void aDifferentPinnedKeyIsAChangedKey() throws IOException {
    HostKeyPolicy.Verdict v = check(otherKey.fingerprint(), null, emptyHome());
    assertFalse(v.trusted());
    assertTrue(
        v.problem()
            .startsWith(
                "host key CHANGED: the server offered ssh-ed25519 key "
                    + serverKey.fingerprint()
                    + ", but host-key pins "
                    + otherKey.fingerprint()
                    + ";"),
        v.problem());
  }

  @Test
  void knownHostsLinesForHostAndPortArePlainOrHashed() throws IOException {
    Path plain = file("kh-plain", "# comment", "[127.0.0.1]:" + PORT + " " + keyPart(serverKey));
    assertTrue(check(null, plain, emptyHome()).trusted());

    Path patterns =
        file("kh-patterns", "[127.0.0.*]:" + PORT + ",example.org " + serverKey.publicLine());
    assertTrue(check(null, patterns, emptyHome()).trusted(), "wildcards and comments");

    Path hashed = file("kh-hashed", "[127.0.0.1]:" + PORT + " " + keyPart(serverKey));
    Proc.run(
            Duration.ofSeconds(30),
            TestTools.onPath("ssh-keygen").toString(),
            "-H",
            "-f",
            hashed.toString())
        .orThrow();
    assertTrue(Files.readString(hashed).startsWith("|1|"), "ssh-keygen -H hashed the host name");
    assertTrue(check(null, hashed, emptyHome()).trusted());

    Path otherPort =
        file(
            "kh-port", "127.0.0.1 " + keyPart(serverKey), "[127.0.0.1]:2223 " + keyPart(serverKey));
    assertFalse(
        check(null, otherPort, emptyHome()).trusted(), "port 22 and other ports do not count");

    Path negated =
        file(
            "kh-negated",
            "[127.0.0.*]:" + PORT + ",![127.0.0.1]:" + PORT + " " + keyPart(serverKey));
    assertFalse(check(null, negated, emptyHome()).trusted(), "a negated pattern excludes the host");
  }

  @Test
  void aKnownHostWithAnotherKeyIsAChangedKeyNamingTheLine() throws IOException {
    Path kh =
        file(
            "kh-changed",
            "example.org " + keyPart(serverKey),
            "[127.0.0.1]:" + PORT + " " + keyPart(otherKey));
    HostKeyPolicy.Verdict v = check(null, kh, emptyHome());
    assertFalse(v.trusted());
    assertEquals(
        "host key CHANGED: the server offered ssh-ed25519 key "
            + serverKey.fingerprint()
            + ", but "
            + kh
            + ":2 lists ssh-ed25519 key "
            + otherKey.fingerprint()
            + "; someone may be intercepting the connection, or the server got a new key:"
            + " check with the server's operator before updating host-key/known-hosts",
        v.problem());
  }

  @Test
  void aRevokedKeyIsRefusedEvenWhenPinned() throws IOException {
    Path kh =
        file(
            "kh-revoked",
            "@revoked * " + keyPart(serverKey),
            "[127.0.0.1]:" + PORT + " " + keyPart(serverKey));
    HostKeyPolicy.Verdict v = check(serverKey.fingerprint(), kh, emptyHome());
    assertFalse(v.trusted());
    assertTrue(
        v.problem()
            .startsWith(
                "host key REVOKED: the server offered ssh-ed25519 key "
                    + serverKey.fingerprint()
                    + ", which "
                    + kh
                    + ":1 marks @revoked"),
        v.problem());
  }

  @Test
  void homeKnownHostsCountsOnlyWhenNothingIsConfigured() throws IOException {
    Path home = emptyHome();
    Files.createDirectories(home.resolve(".ssh"));
    Files.writeString(
        home.resolve(".ssh/known_hosts"), "[127.0.0.1]:" + PORT + " " + keyPart(serverKey) + "\n");
    assertTrue(check(null, null, home).trusted());
    assertFalse(
        check(otherKey.fingerprint(), null, home).trusted(), "a pin replaces ~/.ssh/known_hosts");
    Path elsewhere = file("kh-empty");
    assertFalse(check(null, elsewhere, home).trusted(), "known-hosts replaces ~/.ssh/known_hosts");
  }

  @Test
  void aMissingKnownHostsFileIsAnErrorButAMissingHomeFileIsNot() throws IOException {
    IOException e =
        assertThrows(IOException.class, () -> check(null, tmp.resolve("nope"), emptyHome()));
    assertTrue(e.getMessage().contains(tmp.resolve("nope").toString()), e.getMessage());
    assertFalse(check(null, null, emptyHome()).trusted());
  }

  @Test
  void aMalformedPinIsRejectedNamingTheSetting() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> HostKeyPolicy.of(target("ssh-ed25519 nonsense", null), tmp));
    assertEquals(
        "host-key: expected a SHA256:… fingerprint or an OpenSSH public key line (ssh-ed25519 AAAA… [comment]),"
            + " got 'ssh-ed25519 nonsense'",
        e.getMessage());
  }

  @Test
  void knownKeyTypesComeFromTheKeyLineAndKnownHosts() throws Exception {
    SshKeys.KeyPair rsa = SshKeys.generate(Files.createTempDirectory(tmp, "rsa"), "rsa", "rsa");
    Path kh =
        file(
            "kh-types",
            "[127.0.0.1]:" + PORT + " " + keyPart(rsa),
            "@revoked * " + keyPart(otherKey));
    assertEquals(Set.of("ssh-rsa"), HostKeyPolicy.of(target(null, kh), tmp).knownKeyTypes());
    assertEquals(
        Set.of("ssh-ed25519"),
        HostKeyPolicy.of(target(serverKey.publicLine(), null), tmp).knownKeyTypes());
    assertEquals(
        Set.of(), HostKeyPolicy.of(target(serverKey.fingerprint(), null), tmp).knownKeyTypes());
  }

  // ---- against OpenSSH's sshd -------------------------------------------------------------

  private static SftpTarget e2e(String hostKey, Path knownHosts) {
    SftpTarget t = fx.target(tmp.resolve("replica").toString());
    return new SftpTarget(
        t.host(), t.port(), t.user(), null, t.path(), t.keyPath(), null, hostKey, knownHosts);
  }

  private static SftpStoreException refused(SftpTarget t) throws IOException {
    fx.sleeps.clear();
    try (SftpReplicaStore store = SftpReplicaStore.open(t, fx.options())) {
      SftpStoreException e = assertThrows(SftpStoreException.class, store::checkAccess);
      assertTrue(e.permanent());
      assertEquals(List.of(), fx.sleeps, "a refused host key is not retried");
      assertFalse(e.getMessage().contains("\n"), "one line");
      return e;
    }
  }

  private static void accepted(SftpTarget t) throws IOException {
    try (SftpReplicaStore store = SftpReplicaStore.open(t, fx.options())) {
      store.list("");
    }
  }

  @Test
  void sshdWithAnUnknownKeyIsRefused() throws IOException {
    SftpStoreException e = refused(e2e(null, null));
    String fp = fx.server.hostKeyFingerprint();
    assertTrue(
        e.getMessage()
            .startsWith(
                "sftp://root@127.0.0.1:"
                    + fx.server.port()
                    + tmp.resolve("replica")
                    + ": host key not trusted: the server offered ssh-ed25519 key "
                    + fp),
        e.getMessage());
    assertTrue(e.getMessage().endsWith("host-key: " + fp), e.getMessage());
  }

  @Test
  void sshdWithAChangedKeyIsRefusedShowingBothFingerprints() throws IOException {
    Path kh = file("e2e-changed", "[127.0.0.1]:" + fx.server.port() + " " + keyPart(otherKey));
    SftpStoreException e = refused(e2e(null, kh));
    assertTrue(e.getMessage().contains("host key CHANGED"), e.getMessage());
    assertTrue(e.getMessage().contains(fx.server.hostKeyFingerprint()), e.getMessage());
    assertTrue(e.getMessage().contains(otherKey.fingerprint()), e.getMessage());
  }

  @Test
  void sshdIsAcceptedWhenPinnedOrKnown() throws IOException {
    accepted(e2e(fx.server.hostKeyFingerprint(), null));
    accepted(e2e(fx.server.hostKey().publicLine(), null));
    Path kh = file("e2e-known", fx.server.knownHostsLine());
    accepted(e2e(null, kh));
    Proc.run(
            Duration.ofSeconds(30),
            TestTools.onPath("ssh-keygen").toString(),
            "-H",
            "-f",
            kh.toString())
        .orThrow();
    assertTrue(Files.readString(kh).startsWith("|1|"));
    accepted(e2e(null, kh));
  }

  @Test
  void aServerWithSeveralHostKeysShowsTheOneKnown(@TempDir Path dir) throws IOException {
    try (SftpFixture two =
        SftpFixture.start(dir, b -> b.hostKeyType("ed25519").hostKeyType("ecdsa"))) {
      SshKeys.KeyPair ecdsa = SshKeys.load(dir.resolve("sshd/ssh_host_ecdsa_key"));
      Path kh =
          Files.write(
              dir.resolve("known_hosts"),
              List.of("[" + OpenSshServer.HOST + "]:" + two.server.port() + " " + keyPart(ecdsa)));
      SftpTarget t = two.target(dir.toString());
      try (SftpReplicaStore store =
          SftpReplicaStore.open(
              new SftpTarget(
                  t.host(), t.port(), t.user(), null, t.path(), t.keyPath(), null, null, kh),
              two.options())) {
        store.list(""); // ed25519 is preferred by default; the known ecdsa key must be asked for
      }
    }
  }
}
