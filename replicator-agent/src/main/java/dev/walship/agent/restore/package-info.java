/**
 * Restore: choose what to restore ({@link dev.walship.agent.restore.RestorePlanner}), download it
 * in parallel and verify it more strictly than Litestream does, apply it to the snapshot, check the
 * result with {@code PRAGMA integrity_check}, and only then move it to the output path ({@link
 * dev.walship.agent.restore.Restorer}). It plans from shared-format's read-model of a replica
 * ({@link dev.walship.format.catalog.ReplicaCatalog}).
 */
package dev.walship.agent.restore;
