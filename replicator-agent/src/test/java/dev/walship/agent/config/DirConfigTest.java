package dev.walship.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.testing.AgeCli;
import dev.walship.toolkit.config.ConfigException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dir:} entries: parsing, which files they cover, where each database's replicas go. */
class DirConfigTest {
  @TempDir Path tmp;

  private String ageIdentity = "";

  private AgentConfig parse(String yaml) throws ConfigException {
    return new ConfigLoader(
            Map.of("AGE_ID", ageIdentity), new PathExpander(Path.of("/home/op"), tmp))
        .parse(yaml, "litestream.yml", true);
  }

  private String error(String yaml) {
    return assertThrows(ConfigException.class, () -> parse(yaml)).getMessage();
  }

  @Test
  void aDirEntryIsReadWithItsSettingsAndDefaults() throws ConfigException {
    AgentConfig c =
        parse(
            """
        dbs:
          - dir: tenants
            pattern: "*.db"
            monitor-interval: 250ms
            replicas:
              - path: /backups/tenants
          - dir: /srv/other
            pattern: "x?.sqlite"
            recursive: true
            watch: true
            replicas:
              - path: /backups/other
        """);
    assertEquals(List.of(), c.dbs());
    DirConfig d = c.dirs().get(0);
    assertEquals(tmp.resolve("tenants"), d.dir(), "relative to the working directory, as path: is");
    assertEquals("*.db", d.pattern().toString());
    assertFalse(d.recursive());
    assertFalse(d.watch());
    assertEquals(Duration.ofMillis(250), d.settings().monitorInterval());
    assertTrue(c.dirs().get(1).recursive());
    assertTrue(c.dirs().get(1).watch());
    assertFalse(c.isEmpty());
  }

  @Test
  void mistakesNameFileLineAndKey() {
    assertEquals(
        "litestream.yml:3: dbs[0].path: an entry has path: (one database) or dir: (a directory of them), not both",
        error(
            "dbs:\n  - dir: /a\n    path: /a/x.db\n    pattern: '*'\n    replicas: [{path: /b}]\n"));
    assertEquals(
        "litestream.yml:2: dbs[0]: a directory entry needs pattern: (the database files' names, e.g. \"*.db\")",
        error("dbs:\n  - dir: /a\n    replicas: [{path: /b}]\n"));
    assertEquals(
        "litestream.yml:3: dbs[0].pattern: \"[a-\" is not a valid pattern: a [ class is not closed with ]",
        error("dbs:\n  - dir: /a\n    pattern: '[a-'\n    replicas: [{path: /b}]\n"));
    assertEquals(
        "litestream.yml:3: dbs[0].watch: only a directory entry (dir:) has watch:",
        error("dbs:\n  - path: /a/x.db\n    watch: true\n    replicas: [{path: /b}]\n"));
    assertTrue(
        error(
                "dbs:\n  - dir: /a\n    pattern: '*'\n    meta-path: /m\n    replicas: [{path: /b}]\n")
            .startsWith("litestream.yml:4: dbs[0].meta-path: not with dir:"));
    assertTrue(
        error(
                "dbs:\n  - dir: /a\n    pattern: '*'\n    replicas: [{path: /b}]\n  - dir: /a/\n    pattern: '*.db'\n"
                    + "    replicas: [{path: /c}]\n")
            .startsWith("litestream.yml:5: dbs[1].dir: /a is already configured at"));
  }

  @Test
  void whichFilesAnEntryCovers() throws ConfigException {
    DirConfig flat =
        parse("dbs:\n  - dir: /t\n    pattern: '*.db'\n    replicas: [{path: /b}]\n").dirs().get(0);
    assertTrue(flat.covers(Path.of("/t/a.db")));
    assertFalse(flat.covers(Path.of("/t/a.db-wal")));
    assertFalse(flat.covers(Path.of("/t/eu/a.db")), "not recursive");
    assertFalse(flat.covers(Path.of("/other/a.db")));
    assertFalse(flat.covers(Path.of("/t")));
    DirConfig deep =
        parse(
                "dbs:\n  - dir: /t\n    pattern: '*.db'\n    recursive: true\n    replicas: [{path: /b}]\n")
            .dirs()
            .get(0);
    assertTrue(deep.covers(Path.of("/t/eu/west/a.db")));
    assertFalse(deep.covers(Path.of("/t/.a.db-replicator/x.db")), "never inside a meta directory");
    assertFalse(deep.covers(Path.of("/t/.a.db-litestream/x.db")));
    assertTrue(deep.covers(Path.of("/t/eu/../eu/a.db")), "normalized");
  }

  @Test
  void eachDatabasesReplicaIsTheEntrysPathPlusItsRelativePath() throws Exception {
    ageIdentity = AgeCli.keygen(tmp, "a").identity();
    AgentConfig c =
        parse(
            """
        dbs:
          - path: /t/listed.db
            replicas:
              - path: /own
          - dir: /t
            pattern: "*.db"
            recursive: true
            replicas:
              - name: local
                path: /backups/tenants
              - url: sftp://u@alpha:2222/replicas/tenants
                host-key: SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU
              - name: home
                url: sftp://u@alpha
                host-key: SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU
              - url: s3://bucket/prefix
                endpoint: http://127.0.0.1:9000
                access-key-id: k
                secret-access-key: s
                age:
                  identities: ["${AGE_ID}"]
        """);
    DbConfig db = c.db(Path.of("/t/eu/a.db")).orElseThrow();
    assertEquals(Path.of("/t/eu/a.db"), db.path());
    assertEquals(Path.of("/t/eu/.a.db-replicator"), db.metaPath());
    assertEquals(
        Path.of("/backups/tenants/eu/a.db"),
        ((FileReplicaConfig) db.replica("local").orElseThrow()).path());
    assertEquals(
        "/replicas/tenants/eu/a.db",
        ((SftpReplicaConfig) db.replica("sftp").orElseThrow()).target().path());
    assertEquals(2222, ((SftpReplicaConfig) db.replica("sftp").orElseThrow()).target().port());
    assertEquals(
        "eu/a.db",
        ((SftpReplicaConfig) db.replica("home").orElseThrow()).target().path(),
        "under the login directory");
    AgeReplicaConfig age = (AgeReplicaConfig) db.replica("s3").orElseThrow();
    assertEquals("prefix/eu/a.db", ((S3ReplicaConfig) age.replica()).target().root());
    assertTrue(age.age().isPresent(), "still encrypted");
    assertEquals(
        Path.of("/own"),
        ((FileReplicaConfig) c.db(Path.of("/t/listed.db")).orElseThrow().replicas().get(0)).path(),
        "a path: entry wins over the dir: that covers it");
    assertTrue(c.db(Path.of("/t/a.txt")).isEmpty());
  }

  @Test
  void findsTheSqliteDatabasesOnDiskOnly() throws Exception {
    Path t = Files.createDirectories(tmp.resolve("t"));
    Files.createDirectories(t.resolve("eu"));
    Files.createDirectories(t.resolve(".x.db-replicator"));
    byte[] header = "SQLite format 3\0 and the rest".getBytes(StandardCharsets.US_ASCII);
    Files.write(t.resolve("a.db"), header);
    Files.write(t.resolve("eu/b.db"), header);
    Files.write(t.resolve(".x.db-replicator/c.db"), header);
    Files.write(t.resolve("empty.db"), new byte[0]);
    Files.writeString(t.resolve("text.db"), "not sqlite");
    Files.createSymbolicLink(t.resolve("link.db"), t.resolve("a.db"));
    AgentConfig c =
        parse(
            "dbs:\n  - dir: t\n    pattern: '*.db'\n    recursive: true\n    replicas: [{path: /b}]\n");
    assertEquals(List.of(t.resolve("a.db"), t.resolve("eu/b.db")), c.dirs().get(0).findDatabases());
    assertEquals(
        List.of(t.resolve("a.db"), t.resolve("eu/b.db")),
        c.databasesNow().stream().map(DbConfig::path).toList());
  }
}
