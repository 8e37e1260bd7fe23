package dev.walship.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.agent.config.AgentConfig;
import dev.walship.agent.config.ConfigFile;
import dev.walship.agent.config.PathExpander;
import dev.walship.toolkit.config.ConfigException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ConfigOptionsTest {
  @TempDir Path dir;

  private CliContext ctx(Map<String, String> env) {
    return new CliContext(
        env,
        new PathExpander(dir, dir),
        new PrintWriter(new StringWriter()),
        new PrintWriter(new StringWriter()));
  }

  /** Parses {@code args} into a ConfigOptions the way a command's mixin is parsed. */
  private static ConfigOptions parse(String... args) {
    ConfigOptions o = new ConfigOptions();
    new CommandLine(o).parseArgs(args);
    return o;
  }

  @Test
  void lookupOrderFlagEnvironmentDefault() throws ConfigException {
    Map<String, String> env = Map.of("REPLICATOR_CONFIG", "from-env.yml");
    assertEquals(dir.resolve("flag.yml"), parse("-config", "flag.yml").file(ctx(env)).path());
    assertEquals(dir.resolve("from-env.yml"), parse().file(ctx(env)).path());
    assertEquals(Path.of(ConfigFile.DEFAULT), parse().file(ctx(Map.of())).path());
    assertTrue(parse("-config", "x").given());
    assertFalse(parse().given());
  }

  @Test
  void expandsEnvironmentUnlessTurnedOff() throws IOException, ConfigException {
    Files.writeString(dir.resolve("c.yml"), "dbs:\n  - path: /srv/$NAME.db\n");
    Map<String, String> env = Map.of("NAME", "orders");
    AgentConfig on = parse("-config", "c.yml").load(ctx(env));
    assertEquals(Path.of("/srv/orders.db"), on.dbs().get(0).path());
    AgentConfig off = parse("-config", "c.yml", "-no-expand-env").load(ctx(env));
    assertEquals(Path.of("/srv/$NAME.db"), off.dbs().get(0).path());
  }
}
