/**
 * Proof that replicas restore to what the database held: {@link
 * dev.walship.agent.verify.ReplicaComparison} restores a replica into a temporary file and compares
 * it, page by page, with the database at the same position (rebuilt from capture's meta directory
 * by {@link dev.walship.agent.capture.CapturedPages}); {@link
 * dev.walship.agent.verify.ValidationLoop} runs it every {@code validation-interval} beside
 * replication, and {@code replicator verify} once. A replica is only read, never changed.
 */
package dev.walship.agent.verify;
