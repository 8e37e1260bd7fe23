/**
 * Where replica stores come from: {@link dev.walship.agent.store.ReplicaStores} turns a replica's
 * configuration into its {@link dev.walship.format.store.ReplicaStore} ({@code file://} from
 * shared-format, {@code sftp://} from {@code dev.walship.agent.sftp}); the one place a new store
 * type plugs in.
 */
package dev.walship.agent.store;
