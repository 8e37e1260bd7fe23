package dev.walship.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.server.LayoutSamples;
import dev.walship.server.MinaSftp;
import dev.walship.server.ReplicaServer;
import dev.walship.server.config.ServerConfig;
import dev.walship.server.config.UserConfig;
import dev.walship.testing.Await;
import dev.walship.testing.SshKeys;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.sshd.sftp.client.SftpClient.CloseableHandle;
import org.apache.sshd.sftp.client.SftpClient.OpenMode;
import org.apache.sshd.sftp.common.SftpException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code metrics-addr}: the real {@code /metrics} endpoint, scraped over HTTP, counts what the
 * audit log records: logins and refused keys, open sessions, uploads and their bytes per user,
 * rejected uploads by reason, denied operations by operation, and the free space of the user's
 * root.
 */
class AuditMetricsTest {
  private static final String USER = "replicator";
  private static final String GEN = "0123456789abcdef";

  @TempDir static Path dir;
  static ReplicaServer server;
  static SshKeys.KeyPair key;
  static LayoutSamples samples;

  @BeforeAll
  static void start() throws Exception {
    Path root = Files.createDirectories(dir.resolve("data").resolve(USER));
    key = SshKeys.generate(Files.createDirectories(dir.resolve("client")), "id_ed25519", "ed25519");
    Path keys = Files.writeString(dir.resolve("authorized_keys"), key.publicLine() + "\n");
    server =
        ReplicaServer.start(
            ServerConfig.builder()
                .listen("127.0.0.1", 0)
                .hostKey(dir.resolve("host_key"))
                .user(new UserConfig(USER, root, keys, List.of("db")))
                .metrics("127.0.0.1:0")
                .build());
    samples = LayoutSamples.make(dir.resolve("samples"), 3);
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Test
  void theEndpointCountsWhatTheAuditLogRecords() throws Exception {
    assertTrue(value("walship_server_root_free_bytes{user=\"replicator\"}") > 0);
    assertThrows(
        IllegalStateException.class,
        () ->
            MinaSftp.connect(server.port(), "nobody", key.privateKey(), server.hostKeyFingerprint())
                .close());
    assertEquals(1, value("walship_server_refused_logins_total"));

    byte[] snapshot = samples.snapshot();
    try (MinaSftp m =
        MinaSftp.connect(server.port(), USER, key.privateKey(), server.hostKeyFingerprint())) {
      assertEquals(1, value("walship_server_sessions{user=\"replicator\"}"));
      assertEquals(1, value("walship_server_logins_total{user=\"replicator\"}"));
      m.sftp.mkdir("/db/app");
      m.sftp.mkdir("/db/app/generations");
      m.sftp.mkdir("/db/app/generations/" + GEN);
      m.sftp.mkdir("/db/app/generations/" + GEN + "/snapshots");
      upload(m, "/db/app/generations/" + GEN + "/snapshots/00000000.snapshot.lz4", snapshot);
      assertThrows(
          SftpException.class,
          () ->
              upload(
                  m,
                  "/db/app/generations/" + GEN + "/snapshots/00000001.snapshot.lz4",
                  new byte[] {1, 2, 3}));
      assertThrows(SftpException.class, () -> m.sftp.mkdir("/etc"));
    }
    assertEquals(1, value("walship_server_uploads_total{user=\"replicator\"}"));
    assertEquals(snapshot.length, value("walship_server_upload_bytes_total{user=\"replicator\"}"));
    assertEquals(
        1, value("walship_server_rejected_uploads_total{reason=\"invalid\",user=\"replicator\"}"));
    assertEquals(
        1, value("walship_server_denied_operations_total{op=\"mkdir\",user=\"replicator\"}"));
    Await.until(
        Duration.ofSeconds(10),
        "the session ends",
        () -> value("walship_server_sessions{user=\"replicator\"}") == 0);
  }

  private static void upload(MinaSftp m, String path, byte[] content) throws Exception {
    try (CloseableHandle h =
        m.sftp.open(path, OpenMode.Write, OpenMode.Create, OpenMode.Truncate)) {
      m.sftp.write(h, 0, content);
    }
  }

  /** The value of one sample line of the real endpoint, by its name and labels as exposed. */
  private static double value(String sample) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.metricsPort() + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode());
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(sample) + " (\\S+)$").matcher(r.body());
    assertTrue(m.find(), sample + " not in:\n" + r.body());
    return Double.parseDouble(m.group(1));
  }
}
