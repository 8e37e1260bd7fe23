/**
 * The read-model of a replica: {@link dev.walship.format.catalog.ReplicaCatalog} lists a {@link
 * dev.walship.format.store.ReplicaStore} once into {@link
 * dev.walship.format.catalog.GenerationFiles} (snapshots, WAL segments, leftover temporary files,
 * and the times Litestream derives from their mtimes: a generation's start, end, last write before
 * a point in time); {@link dev.walship.format.catalog.ReplicaEnd} is where a generation's WAL ends
 * on the replica. Restore, retention, shipping recovery, {@code status} and the list commands all
 * read replicas through it.
 */
package dev.walship.format.catalog;
