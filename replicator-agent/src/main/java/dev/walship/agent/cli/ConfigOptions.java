package dev.walship.agent.cli;

import dev.walship.agent.config.AgentConfig;
import dev.walship.agent.config.ConfigFile;
import dev.walship.agent.config.ConfigLoader;
import dev.walship.toolkit.config.ConfigException;
import picocli.CommandLine.Option;

/**
 * {@code -config PATH} and {@code -no-expand-env}, shared by every command that reads the config.
 */
public final class ConfigOptions {
  @Option(
      names = {"-config", "--config"},
      paramLabel = "PATH",
      description =
          "Config file (litestream.yml format). Default: $"
              + ConfigFile.ENV_VAR
              + ", else "
              + ConfigFile.DEFAULT
              + ".")
  String path;

  @Option(
      names = {"-no-expand-env", "--no-expand-env"},
      description = "Do not expand $VAR and ${VAR} in the config file.")
  boolean noExpandEnv;

  /** Whether {@code -config} was given (a replica URL argument excludes it, as in Litestream). */
  public boolean given() {
    return path != null && !path.isEmpty();
  }

  /** The config file this command reads. */
  public ConfigFile file(CliContext ctx) throws ConfigException {
    return ConfigFile.locate(path, ctx.env(), ctx.paths());
  }

  /** Reads and checks the config file. */
  public AgentConfig load(CliContext ctx) throws ConfigException {
    return new ConfigLoader(ctx.env(), ctx.paths()).load(file(ctx), !noExpandEnv);
  }
}
