package dev.walship.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.walship.toolkit.config.ConfigException;
import dev.walship.toolkit.config.YamlMapping;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

class DbParserTest {
  private static final Path WORK = Path.of("/srv/work");

  private static DbConfig parse(String yaml) throws ConfigException {
    return new DbParser(new PathExpander(Path.of("/home/op"), WORK))
        .parse(
            YamlMapping.of(
                "f.yml", "dbs[0]", new Yaml().compose(new StringReader(yaml)), "a database"));
  }

  private static String error(String yaml) {
    return assertThrows(ConfigException.class, () -> parse(yaml)).getMessage();
  }

  @Test
  void pathsAreExpanded() throws ConfigException {
    DbConfig db = parse("path: data/../app.db\nmeta-path: ~/m\n");
    assertEquals(WORK.resolve("app.db"), db.path());
    assertEquals(Path.of("/home/op/m"), db.metaPath());
    assertEquals(Path.of("/srv/work/.app.db-replicator"), parse("path: app.db\n").metaPath());
  }

  @Test
  void checkpointLimits() throws ConfigException {
    assertEquals(0, parse("path: /a.db\nmax-checkpoint-page-count: 0\n").maxCheckpointPageCount());
    assertEquals(1, parse("path: /a.db\nmin-checkpoint-page-count: 1\n").minCheckpointPageCount());
    assertEquals(
        "f.yml:2: dbs[0].max-checkpoint-page-count: must be 0 (never force a checkpoint) or at least"
            + " min-checkpoint-page-count (1000), got 999",
        error("path: /a.db\nmax-checkpoint-page-count: 999\n"));
    assertEquals(
        java.time.Duration.ZERO,
        parse("path: /a.db\ncheckpoint-interval: 0s\n").checkpointInterval());
  }

  @Test
  void replicasInOrderWithUniqueNames() throws ConfigException {
    DbConfig db =
        parse(
            "path: /a.db\nreplicas:\n  - path: /b\n  - url: sftp://u@h/x\n  - path: /c\n    name: c\n");
    assertEquals(
        List.of("file", "sftp", "c"), db.replicas().stream().map(ReplicaConfig::name).toList());
  }

  @Test
  void pathMustNameAFile() {
    assertEquals("f.yml:1: dbs[0].path: \"/\" is not a file path", error("path: /\n"));
    assertEquals(
        "f.yml:1: dbs[0]: a database needs path: (the SQLite database file)", error("path: ''\n"));
  }
}
