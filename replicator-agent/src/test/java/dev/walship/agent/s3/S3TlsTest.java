package dev.walship.agent.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.format.layout.Generation;
import dev.walship.format.layout.Position;
import dev.walship.format.layout.WalSegmentName;
import dev.walship.testing.S3Proxy;
import dev.walship.toolkit.time.Backoff;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code skip-verify} against an HTTPS S3 server with a self-signed certificate. */
class S3TlsTest {
  @TempDir static Path dir;
  static S3Proxy tls;

  @BeforeAll
  static void start() {
    tls = S3Proxy.startTls(dir);
  }

  @AfterAll
  static void stop() {
    tls.close();
  }

  private static S3ReplicaStore store(String bucket, boolean skipVerify) {
    S3Target t =
        new S3Target(
            bucket,
            "db",
            null,
            URI.create(tls.endpoint()),
            true,
            skipVerify,
            S3Credentials.of(tls.accessKey(), tls.secretKey(), null, "the test"));
    return S3ReplicaStore.open(
        t,
        S3Options.defaults().withRetry(2, new Backoff(Duration.ofMillis(1), Duration.ofMillis(2))));
  }

  @Test
  void aSelfSignedCertificateIsRefusedUnlessSkipVerify() throws IOException {
    String bucket = tls.newBucket("tls");
    try (S3ReplicaStore strict = store(bucket, false)) {
      String m = assertThrows(IOException.class, strict::generations).getMessage();
      assertTrue(
          m.startsWith(
              "s3://" + bucket + "/db/generations: list: TLS with " + tls.endpoint() + " failed: "),
          m);
      assertTrue(m.endsWith("(skip-verify: true accepts a self-signed certificate)"), m);
      assertFalse(m.contains("\n"), m);
    }
    try (S3ReplicaStore lax = store(bucket, true)) {
      Generation g = Generation.parse("00112233aabbccdd");
      lax.write(
          WalSegmentName.at(new Position(g, 0, 0)), Instant.now(), out -> out.write(new byte[100]));
      assertEquals(1, lax.walSegments(g).size());
    }
  }
}
