/**
 * {@code replicator}, the agent on the database host: {@link dev.walship.agent.Main} wires the
 * commands ({@code cli}) by hand. Replication is {@code capture} (WAL to shadow WAL) plus {@code
 * ship} (shadow WAL to replicas), assembled by {@code replicate}; {@code restore} brings a database
 * back; {@code config} reads litestream.yml; {@code sftp} is the SFTP replica store.
 */
package dev.walship.agent;
