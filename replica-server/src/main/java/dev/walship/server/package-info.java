/**
 * replica-server: the embedded, chrooted SFTP server that receives replicas (ALPHA).
 *
 * <p>{@link dev.walship.server.ReplicaServer} is the whole public surface for embedding it (tests,
 * the agent's tests): start it from a {@link dev.walship.server.config.ServerConfig}, read its
 * {@code port()} and {@code hostKeyFingerprint()}, close it. {@link dev.walship.server.Main} is the
 * command line; it wires the objects by hand.
 */
package dev.walship.server;
