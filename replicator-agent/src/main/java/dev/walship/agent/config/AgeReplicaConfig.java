package dev.walship.agent.config;

import dev.walship.agent.age.AgeKeys;
import java.util.Objects;
import java.util.Optional;

/**
 * A replica of any type with {@code age:} set: its files are age-encrypted, as Litestream v0.3.13
 * encrypts them. Everything but the store's encryption is the wrapped replica's.
 *
 * @param replica the replica as its other keys describe it
 * @param keys its identities and recipients
 * @param where the {@code age:} key's place ({@code litestream.yml:14: dbs[0].replicas[0].age}),
 *     for messages about keys a command needs but the file lacks
 */
public record AgeReplicaConfig(ReplicaConfig replica, AgeKeys keys, String where)
    implements ReplicaConfig {
  public AgeReplicaConfig {
    Objects.requireNonNull(replica);
    Objects.requireNonNull(keys);
    if (replica instanceof AgeReplicaConfig) {
      throw new IllegalArgumentException("a replica is encrypted once");
    }
  }

  @Override
  public String name() {
    return replica.name();
  }

  @Override
  public String type() {
    return replica.type();
  }

  @Override
  public String location() {
    return replica.location();
  }

  @Override
  public ReplicaTiming timing() {
    return replica.timing();
  }

  @Override
  public Optional<AgeKeys> age() {
    return Optional.of(keys);
  }
}
