/**
 * {@code replicator}, the agent on the database host: {@link dev.walship.agent.Main} wires the
 * commands ({@code cli}) by hand. Replication is {@code capture} (WAL to shadow WAL) plus {@code
 * ship} (shadow WAL to replicas), assembled by {@code replicate}; {@code restore} brings a database
 * back; {@code config} reads litestream.yml; {@code store} opens every replica's store ({@code
 * sftp} is the SFTP one); {@code health} judges how far replicas are behind for {@code status}.
 */
package dev.walship.agent;
