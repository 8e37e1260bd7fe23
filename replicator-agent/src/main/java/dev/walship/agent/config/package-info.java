/**
 * The agent's configuration: a Litestream v0.3.13 {@code litestream.yml} read unchanged (same keys,
 * defaults, {@code $VAR} expansion, replica URLs, Go durations), checked once into immutable
 * records ({@link dev.walship.agent.config.AgentConfig}, {@link dev.walship.agent.config.DbConfig},
 * {@link dev.walship.agent.config.ReplicaConfig}); mistakes are {@link
 * dev.walship.toolkit.config.ConfigException}s naming file, line and key, read with the toolkit
 * both programs share ({@code dev.walship.toolkit.config}). Also which file to read ({@link
 * dev.walship.agent.config.ConfigFile}) and replica URLs from the command line. The records only
 * describe replicas; {@code dev.walship.agent.store.ReplicaStores} opens their stores.
 */
package dev.walship.agent.config;
