package dev.walship.agent.store;

import dev.walship.agent.age.AgeReplicaStore;
import dev.walship.agent.config.AgeReplicaConfig;
import dev.walship.agent.config.FileReplicaConfig;
import dev.walship.agent.config.ReplicaConfig;
import dev.walship.agent.config.S3ReplicaConfig;
import dev.walship.agent.config.SftpReplicaConfig;
import dev.walship.agent.s3.S3Options;
import dev.walship.agent.s3.S3ReplicaStore;
import dev.walship.agent.sftp.SftpConnections;
import dev.walship.agent.sftp.SftpOptions;
import dev.walship.format.store.FileReplicaStore;
import dev.walship.format.store.ReplicaStore;
import java.io.IOException;
import java.util.Objects;

/**
 * The one place where a replica's configuration becomes its {@link ReplicaStore}: {@code replicate}
 * (through {@link dev.walship.agent.replicate.Replicator}), {@code restore} and every inspection
 * command open their stores here, and nothing else names a store class.
 *
 * <p>Adding a store type (S3, …): a {@link ReplicaConfig} record for it (the sealed interface lists
 * the types; {@code config} parses its keys), its {@link ReplicaStore} implementation, and one
 * branch in {@link #open}. Resources several stores share belong to this factory: SFTP stores to
 * one destination (host, port, user, key, host-key rule) share one SSH connection ({@link
 * SftpConnections}). A caller makes one factory per process or command and opens every store
 * through it.
 */
public final class ReplicaStores {
  private final SftpConnections sftpConnections;
  private final S3Options s3;

  /**
   * @param sftp how SFTP stores connect (timeouts, keep-alive, reconnect schedule)
   */
  public ReplicaStores(SftpOptions sftp) {
    this(sftp, S3Options.defaults());
  }

  /**
   * @param sftp how SFTP stores connect (timeouts, keep-alive, reconnect schedule)
   * @param s3 how S3 stores upload and retry (part size, parallel parts, retry schedule, timeouts)
   */
  public ReplicaStores(SftpOptions sftp, S3Options s3) {
    this.sftpConnections = new SftpConnections(Objects.requireNonNull(sftp));
    this.s3 = Objects.requireNonNull(s3);
  }

  /** The factory with every store type's defaults. */
  public static ReplicaStores defaults() {
    return new ReplicaStores(SftpOptions.defaults(), S3Options.defaults());
  }

  /**
   * Opens the store {@code replica} lives in. Local checks (a key file, host-key settings) happen
   * now; a network store connects on first use, so a server that is down does not fail this call.
   * The caller closes the store.
   */
  public ReplicaStore open(ReplicaConfig replica) throws IOException {
    if (replica instanceof FileReplicaConfig f) {
      return new FileReplicaStore(f.path());
    }
    if (replica instanceof SftpReplicaConfig s) {
      return sftpConnections.open(s.target());
    }
    if (replica instanceof S3ReplicaConfig s) {
      return S3ReplicaStore.open(s.target(), s3);
    }
    if (replica instanceof AgeReplicaConfig a) {
      return new AgeReplicaStore(open(a.replica()), a.keys());
    }
    throw new IllegalArgumentException("no store for replica type " + replica.type());
  }
}
