package dev.walship.agent.replicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.agent.age.AgeKeys;
import dev.walship.agent.age.AgeReplicaStore;
import dev.walship.format.validate.AgeEnvelope;
import dev.walship.testing.AgeCli;
import dev.walship.testing.Litestream;
import dev.walship.testing.Sqlite;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * age on an SFTP replica, through replica-server: the server accepts the encrypted files (it checks
 * their envelope, names and places), and the real Litestream v0.3.13 restores them with the
 * identity, exactly.
 */
class AgeOverSftpIT {
  @TempDir Path tmp;

  @Test
  void encryptedSegmentsPassTheServerAndLitestreamRestoresThem() throws Exception {
    AgeCli.KeyPair key = AgeCli.keygen(tmp, "age.txt");
    AgeKeys keys = AgeKeys.parse(List.of(key.identity()), List.of(key.recipient()));
    Path db = tmp.resolve("app.db");
    try (TestServer server = TestServer.start(tmp);
        Connection c = Sqlite.openWal(db, 1000)) {
      Replicator r =
          Replicator.builder()
              .database(db)
              .replica(
                  "alpha",
                  new AgeReplicaStore(server.store("app"), keys),
                  dev.walship.agent.ship.ShipSettings.DEFAULTS)
              .start();
      try {
        new Workload(c, 31).run(300, 200, done -> {});
        assertTrue(r.stop(Duration.ofSeconds(30)));
      } finally {
        r.close();
      }
      try (Stream<Path> files = Files.walk(server.replicaDir("app"))) {
        List<Path> lz4 = files.filter(p -> p.toString().endsWith(".lz4")).toList();
        assertTrue(lz4.size() >= 2, "files: " + lz4.size());
        for (Path p : lz4) {
          assertTrue(AgeEnvelope.isAge(Files.readAllBytes(p)), p.toString());
        }
      }
      String cfg =
          server.litestreamConfig(db, "app")
              + "        age:\n          identities: ["
              + key.identity()
              + "]\n";
      Path yml = Files.writeString(tmp.resolve("litestream.yml"), cfg);
      Path out = tmp.resolve("restored.db");
      Litestream.run("restore", "-config", yml.toString(), "-o", out.toString(), db.toString())
          .orThrow();
      assertEquals("ok\n", Sqlite.cli(out, "PRAGMA integrity_check"));
      assertEquals(Sqlite.dump(db), Sqlite.dump(out));
    }
  }
}
