/**
 * age encryption of replicas, as Litestream v0.3.13 does it ({@code age: {identities: [...],
 * recipients: [...]}} on a replica): {@link dev.walship.agent.age.AgeReplicaStore} wraps any
 * replica store and encrypts each file whole (the LZ4 file, with Jagged, X25519 recipients) under
 * its usual name. {@link dev.walship.agent.age.AgeKeys} reads the keys; {@link
 * dev.walship.agent.age.AgeKeyException} is a file the keys cannot open, which is never mistaken
 * for a damaged one.
 */
package dev.walship.agent.age;
