/**
 * The agent's configuration: a Litestream v0.3.13 {@code litestream.yml} read unchanged (same keys,
 * defaults, {@code $VAR} expansion, replica URLs, Go durations), checked once into immutable
 * records ({@link dev.walship.agent.config.AgentConfig}, {@link dev.walship.agent.config.DbConfig},
 * {@link dev.walship.agent.config.ReplicaConfig}); mistakes are {@link
 * dev.walship.toolkit.config.ConfigException}s naming file, line and key. Also which file to read
 * ({@link dev.walship.agent.config.ConfigFile}) and replica URLs from the command line.
 */
package dev.walship.agent.config;
