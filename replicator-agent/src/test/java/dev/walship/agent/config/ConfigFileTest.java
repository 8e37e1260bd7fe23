package dev.walship.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.walship.toolkit.config.ConfigException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigFileTest {
  private static final PathExpander PATHS =
      new PathExpander(Path.of("/home/op"), Path.of("/srv/work"));

  @Test
  void flagThenEnvironmentThenDefault() throws ConfigException {
    Map<String, String> env = Map.of(ConfigFile.ENV_VAR, "/etc/from-env.yml");
    assertEquals(
        new ConfigFile(Path.of("/srv/work/mine.yml"), "mine.yml", ConfigFile.Origin.FLAG),
        ConfigFile.locate("mine.yml", env, PATHS));
    assertEquals(
        new ConfigFile(
            Path.of("/etc/from-env.yml"), "/etc/from-env.yml", ConfigFile.Origin.ENVIRONMENT),
        ConfigFile.locate(null, env, PATHS));
    assertEquals(
        new ConfigFile(
            Path.of("/etc/replicator.yml"), "/etc/replicator.yml", ConfigFile.Origin.DEFAULT),
        ConfigFile.locate(null, Map.of(), PATHS));
  }

  @Test
  void emptyValuesCountAsUnset() throws ConfigException {
    assertEquals(
        ConfigFile.Origin.DEFAULT,
        ConfigFile.locate("", Map.of(ConfigFile.ENV_VAR, ""), PATHS).origin());
  }

  @Test
  void tildeIsExpanded() throws ConfigException {
    assertEquals(Path.of("/home/op/r.yml"), ConfigFile.locate("~/r.yml", Map.of(), PATHS).path());
  }

  @Test
  void notFoundSaysWhereTheNameCameFrom() throws ConfigException {
    assertEquals(
        "config file not found: /etc/replicator.yml (the default; give -config FILE or set $REPLICATOR_CONFIG)",
        ConfigFile.locate(null, Map.of(), PATHS).notFound());
    assertEquals(
        "config file not found: /x.yml (named by $REPLICATOR_CONFIG)",
        ConfigFile.locate(null, Map.of(ConfigFile.ENV_VAR, "/x.yml"), PATHS).notFound());
    assertEquals(
        "config file not found: /srv/x.yml",
        ConfigFile.locate("../x.yml", Map.of(), PATHS).notFound());
  }
}
