/**
 * Replication as the {@code replicate} command and Java applications run it: per database one
 * capture engine ({@link dev.walship.agent.capture.DatabaseCapture}) and one {@link
 * dev.walship.agent.ship.Shipper} per replica; the small public API {@link
 * dev.walship.agent.replicate.Replicator}; Prometheus metrics on {@code addr}; the {@code -exec}
 * child ({@link dev.walship.agent.replicate.ExecChild}) and the signal handling of a foreground run
 * ({@link dev.walship.agent.replicate.Supervisor}). Owns wiring and lifecycle, not capture or
 * shipping themselves.
 */
package dev.walship.agent.replicate;
