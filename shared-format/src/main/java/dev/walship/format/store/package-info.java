/**
 * Replica stores: where a replica's files live ({@code file://} here; {@code sftp://} in the
 * agent). A {@link dev.walship.format.store.ReplicaStore} has four primitives on relative layout
 * paths (list, open, write atomically, delete) and typed views built on them that list generations,
 * snapshots and WAL segments exactly as Litestream v0.3.13 does: names it cannot parse are skipped.
 * Stores move compressed bytes; they never decompress or validate (see {@code format.validate}). A
 * whole replica with its times is read through {@code format.catalog}; a failure that needs the
 * operator is a {@link dev.walship.format.store.ReplicaStoreException} that says it is permanent.
 */
package dev.walship.format.store;
