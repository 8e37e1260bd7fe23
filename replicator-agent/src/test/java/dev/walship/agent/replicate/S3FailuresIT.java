package dev.walship.agent.replicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.agent.config.ConfigLoader;
import dev.walship.agent.config.DbConfig;
import dev.walship.agent.config.PathExpander;
import dev.walship.agent.config.ReplicaConfig;
import dev.walship.agent.restore.RestorePlanner;
import dev.walship.agent.restore.RestoreSettings;
import dev.walship.agent.restore.RestoreTarget;
import dev.walship.agent.restore.Restorer;
import dev.walship.agent.ship.ShipSettings;
import dev.walship.agent.ship.Shipper;
import dev.walship.agent.store.ReplicaStores;
import dev.walship.format.catalog.ReplicaCatalog;
import dev.walship.format.store.ReplicaStore;
import dev.walship.testing.AgeCli;
import dev.walship.testing.Await;
import dev.walship.testing.S3Proxy;
import dev.walship.testing.Sqlite;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What goes wrong with an S3 replica while the agent runs: an unknown bucket, the endpoint down,
 * wrong credentials, a wrong age identity. Each is one line naming the cause (no key in it); the
 * database goes on being captured, nothing is lost or deleted, and replication resumes by itself
 * once the cause is fixed (for keys in the config: once the agent runs with the right ones).
 */
class S3FailuresIT {
  @TempDir static Path dir;
  static S3Proxy s3;

  @TempDir Path tmp;

  @BeforeAll
  static void server() {
    s3 = S3Proxy.start(dir, S3Proxy.freePort(), S3Proxy.ACCESS_KEY, S3Proxy.SECRET_KEY);
  }

  @AfterAll
  static void stop() {
    s3.close();
  }

  private ReplicaConfig replica(String bucket, AgeCli.KeyPair age) throws Exception {
    String yaml =
        """
        dbs:
          - path: %s
            replicas:
              - url: s3://%s/app
                endpoint: %s
                access-key-id: %s
                secret-access-key: %s
        """
                .formatted(
                    tmp.resolve("app.db"),
                    bucket,
                    s3.endpoint(),
                    S3Proxy.ACCESS_KEY,
                    S3Proxy.SECRET_KEY)
            + (age == null
                ? ""
                : "        age: {identities: [%s], recipients: [%s]}\n"
                    .formatted(age.identity(), age.recipient()));
    DbConfig db =
        new ConfigLoader(Map.of(), new PathExpander(tmp, tmp))
            .parse(yaml, "litestream.yml", false)
            .dbs()
            .get(0);
    return db.replicas().get(0);
  }

  private Replicator start(Path db, ReplicaStore store) throws Exception {
    return Replicator.builder()
        .database(db)
        .replica(
            "s3",
            store,
            ShipSettings.DEFAULTS.withBackoff(Duration.ofMillis(50), Duration.ofMillis(400)))
        .start();
  }

  private static Shipper shipper(Replicator r) {
    return r.databases().get(0).shippers().get(0);
  }

  /**
   * Waits for the shipper's error line to contain {@code cause}; checks it is one line without
   * keys.
   */
  private static void awaitError(Replicator r, String cause, String... secrets) {
    Await.until(
        Duration.ofSeconds(60),
        "an error naming: " + cause,
        () -> {
          String e = shipper(r).stats().lastError();
          return e != null && e.contains(cause);
        });
    String e = shipper(r).stats().lastError();
    assertFalse(e.contains("\n"), e);
    for (String secret : List.of(secrets)) {
      assertFalse(e.contains(secret), e);
    }
  }

  private static void awaitCaughtUp(Replicator r, Path db, ReplicaStore store) {
    Await.until(
        Duration.ofSeconds(90),
        "the replica holds the database",
        () -> {
          r.sync(Duration.ofSeconds(5));
          return Sqlite.dump(db).equals(restored(store, db));
        });
  }

  private static String restored(ReplicaStore store, Path db) throws Exception {
    Path out = Path.of(db + "-restored-" + System.nanoTime());
    new Restorer(store, RestoreSettings.defaults())
        .restore(RestorePlanner.plan(ReplicaCatalog.load(store), RestoreTarget.LATEST), out);
    return Sqlite.dump(out);
  }

  private static void write(Connection c, int from, int to) throws Exception {
    for (int i = from; i < to; i++) {
      Sqlite.exec(c, "insert into t values(" + i + ", randomblob(500))");
    }
  }

  @Test
  void unknownBucketEndpointDownAndWrongCredentialsEachSayWhatAndRecover() throws Exception {
    Path db = tmp.resolve("app.db");
    String bucket = "created-later-" + System.nanoTime();
    try (Connection c = Sqlite.openWal(db, 0);
        ReplicaStore store = ReplicaStores.defaults().open(replica(bucket, null))) {
      Sqlite.exec(c, "create table t(i, b)");
      try (Replicator r = start(db, store)) {
        write(c, 0, 50);
        awaitError(
            r, "bucket \"" + bucket + "\" does not exist at " + s3.endpoint(), S3Proxy.SECRET_KEY);
        s3.createBucket(bucket);
        awaitCaughtUp(r, db, store);

        s3.stop();
        write(c, 50, 100);
        awaitError(r, "cannot connect to " + s3.endpoint(), S3Proxy.SECRET_KEY);

        s3.restartAccepting("AKIAOTHERKEY00000000", "another/secret/key/abcdefghijklmnopqrst");
        write(c, 100, 150);
        awaitError(
            r,
            "the server does not know the access key (credentials from access-key-id at litestream.yml:",
            S3Proxy.SECRET_KEY,
            "another/secret");

        s3.restartAccepting(S3Proxy.ACCESS_KEY, S3Proxy.SECRET_KEY);
        write(c, 150, 200);
        awaitCaughtUp(r, db, store);
        assertEquals("200", Sqlite.cli(db, "select count(*) from t").strip());
      }
    }
  }

  @Test
  void aWrongAgeIdentityTouchesNothingAndTheRightOneResumes() throws Exception {
    AgeCli.KeyPair right = AgeCli.keygen(tmp, "right");
    AgeCli.KeyPair wrong = AgeCli.keygen(tmp, "wrong");
    Path db = tmp.resolve("app.db");
    String bucket = s3.newBucket("age");
    try (Connection c = Sqlite.openWal(db, 0)) {
      Sqlite.exec(c, "create table t(i, b)");
      try (ReplicaStore store = ReplicaStores.defaults().open(replica(bucket, right));
          Replicator r = start(db, store)) {
        write(c, 0, 50);
        awaitCaughtUp(r, db, store);
      }
      List<String> before = s3.keys(bucket);
      try (ReplicaStore store = ReplicaStores.defaults().open(replica(bucket, wrong));
          Replicator r = start(db, store)) {
        write(c, 50, 100);
        awaitError(
            r,
            "none of the 1 age identities decrypts it (it was encrypted to other recipients; check age.identities)",
            wrong.identity(),
            right.identity());
        Await.until(
            Duration.ofSeconds(30),
            "a few more failed attempts",
            () -> shipper(r).stats().errors() >= 3);
        assertEquals(before, s3.keys(bucket), "nothing replaced, nothing deleted");
        assertFalse(r.stop(Duration.ofMillis(200)), "it could not ship");
      }
      try (ReplicaStore store = ReplicaStores.defaults().open(replica(bucket, right));
          Replicator r = start(db, store)) {
        write(c, 100, 120);
        awaitCaughtUp(r, db, store);
        assertTrue(s3.keys(bucket).containsAll(before));
      }
    }
  }
}
