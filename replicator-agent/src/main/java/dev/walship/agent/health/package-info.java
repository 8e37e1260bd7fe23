/**
 * Replica health: how far each replica of a database is behind what capture holds, read from the
 * meta directory ({@link dev.walship.agent.capture.ShadowState}) and from the replica itself
 * ({@link dev.walship.format.catalog.ReplicaEnd}), whether or not the agent runs. {@link
 * dev.walship.agent.health.ReplicaHealth} holds the rules; the {@code status} command prints them.
 */
package dev.walship.agent.health;
