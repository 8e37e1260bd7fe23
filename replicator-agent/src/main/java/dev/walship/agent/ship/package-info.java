/**
 * Shipping (docs/design.md §2, §5): one {@link dev.walship.agent.ship.Shipper} per replica copies
 * what capture has put in the shadow WAL ({@link dev.walship.agent.capture.ShadowLog}) to a {@link
 * dev.walship.format.store.ReplicaStore}: WAL segments as soon as they exist (or batched by {@code
 * sync-interval}), a snapshot when the replica's generation has none and every {@code
 * snapshot-interval}, and retention every {@code retention-check-interval}. A shipper runs as a job
 * on the shared shipping pool (its steps one at a time), so a replica that is down blocks neither
 * capture nor the other replicas; it retries with exponential backoff and jitter and resumes from
 * the position it recovers from the replica itself. Owns: positions on a replica, segment and
 * snapshot uploads, mtimes, retention, backoff.
 */
package dev.walship.agent.ship;
