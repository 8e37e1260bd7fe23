package dev.walship.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.toolkit.config.ConfigException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentConfigTest {
  private static AgentConfig config() throws ConfigException {
    return new ConfigLoader(Map.of(), new PathExpander(Path.of("/home/op"), Path.of("/srv")))
        .parse("dbs:\n  - path: /var/lib/a.db\n  - path: data/b.db\n", "f.yml", true);
  }

  @Test
  void databaseLookupByCleanedAbsolutePath() throws ConfigException {
    AgentConfig c = config();
    assertEquals(Path.of("/var/lib/a.db"), c.db(Path.of("/var/lib/a.db")).orElseThrow().path());
    assertEquals(
        Path.of("/var/lib/a.db"), c.db(Path.of("/var/lib/x/../a.db")).orElseThrow().path());
    assertEquals(Path.of("/srv/data/b.db"), c.db(Path.of("/srv/data/b.db")).orElseThrow().path());
    assertTrue(c.db(Path.of("/var/lib/c.db")).isEmpty());
    assertThrows(IllegalArgumentException.class, () -> c.db(Path.of("a.db")));
  }

  @Test
  void isImmutable() throws ConfigException {
    List<DbConfig> dbs = new ArrayList<>(config().dbs());
    AgentConfig c = new AgentConfig(null, null, LoggingConfig.DEFAULTS, dbs);
    dbs.clear();
    assertEquals(2, c.dbs().size());
    assertThrows(UnsupportedOperationException.class, () -> c.dbs().clear());
  }
}
