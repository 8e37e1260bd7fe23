package dev.walship.agent.config;

import dev.walship.agent.s3.S3Target;
import dev.walship.agent.sftp.SftpTarget;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A {@code dbs:} entry with {@code dir:} instead of {@code path:}, as Litestream v0.5 has it: every
 * SQLite database in {@code dir} whose file name matches {@code pattern} (in subdirectories too
 * when {@code recursive}) is replicated with the entry's settings; with {@code watch}, databases
 * created later are picked up and deleted ones are no longer followed. Each database's replicas lie
 * at the entry's replica paths plus the database's path relative to {@code dir} ({@link
 * #db(Path)}).
 *
 * @param dir the directory, absolute and normalized
 * @param pattern file names to replicate (Go {@code filepath.Match} rules)
 * @param recursive whether subdirectories are searched (meta directories never are)
 * @param watch whether the directory is watched for databases created or deleted later
 * @param settings the settings of every database found, as a {@link DbConfig} whose path is the
 *     directory itself (replaced per database)
 */
public record DirConfig(
    Path dir, Glob pattern, boolean recursive, boolean watch, DbConfig settings) {
  private static final byte[] SQLITE_HEADER =
      "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

  public DirConfig {
    Objects.requireNonNull(pattern);
    if (!dir.isAbsolute()) {
      throw new IllegalArgumentException("dir must be absolute: " + dir);
    }
    dir = dir.normalize();
  }

  /**
   * Whether {@code file} (absolute) belongs to this entry: inside {@code dir} (directly, unless
   * recursive), not in a meta directory, its name matching the pattern. Whether it is a SQLite
   * database is not looked at.
   */
  public boolean covers(Path file) {
    Path f = file.normalize();
    if (!f.startsWith(dir) || f.equals(dir) || f.getFileName() == null) {
      return false;
    }
    Path rel = dir.relativize(f);
    if (rel.getNameCount() > 1 && !recursive) {
      return false;
    }
    for (int i = 0; i < rel.getNameCount() - 1; i++) {
      if (isMetaDir(rel.getName(i).toString())) {
        return false;
      }
    }
    return pattern.matches(f.getFileName().toString());
  }

  /**
   * Whether a directory of this name is a replication meta directory ({@code .<db>-replicator},
   * Litestream's too).
   */
  public static boolean isMetaDir(String name) {
    return name.startsWith(".")
        && (name.endsWith(DbConfig.META_DIR_SUFFIX) || name.endsWith("-litestream"));
  }

  /**
   * The configuration of database {@code file} (which {@link #covers}): its own meta directory and
   * replica paths.
   */
  public DbConfig db(Path file) {
    Path f = file.normalize();
    String rel = dir.relativize(f).toString().replace(f.getFileSystem().getSeparator(), "/");
    DbConfig s = settings;
    return new DbConfig(
        f,
        DbConfig.defaultMetaPath(f),
        s.monitorInterval(),
        s.checkpointInterval(),
        s.minCheckpointPageCount(),
        s.maxCheckpointPageCount(),
        s.replicas().stream().map(r -> under(r, rel)).toList());
  }

  /** The database at {@code file} if this entry covers it. */
  public Optional<DbConfig> dbIfCovered(Path file) {
    return covers(file) ? Optional.of(db(file)) : Optional.empty();
  }

  /** {@code replica} moved to {@code <its path>/<relative>}. */
  static ReplicaConfig under(ReplicaConfig replica, String relative) {
    if (replica instanceof FileReplicaConfig f) {
      return new FileReplicaConfig(f.name(), f.path().resolve(relative), f.timing());
    }
    if (replica instanceof SftpReplicaConfig s) {
      SftpTarget t = s.target();
      return new SftpReplicaConfig(
          s.name(),
          new SftpTarget(
              t.host(),
              t.port(),
              t.user(),
              t.password(),
              join(t.path(), relative),
              t.keyPath(),
              t.keyPassphrase(),
              t.hostKey(),
              t.knownHosts()),
          s.timing());
    }
    if (replica instanceof S3ReplicaConfig s) {
      S3Target t = s.target();
      return new S3ReplicaConfig(
          s.name(),
          new S3Target(
              t.bucket(),
              join(t.root(), relative),
              t.region(),
              t.endpoint(),
              t.forcePathStyle(),
              t.skipVerify(),
              t.credentials()),
          s.timing());
    }
    AgeReplicaConfig a = (AgeReplicaConfig) replica;
    return new AgeReplicaConfig(under(a.replica(), relative), a.keys(), a.where());
  }

  private static String join(String root, String relative) {
    if (root.isEmpty()) {
      return relative;
    }
    return root.endsWith("/") ? root + relative : root + "/" + relative;
  }

  /**
   * Whether {@code p} is a regular file that begins with SQLite's header (a database being created
   * may not yet).
   */
  public static boolean isDatabase(Path p) {
    if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    try (InputStream in = Files.newInputStream(p)) {
      return Arrays.equals(in.readNBytes(SQLITE_HEADER.length), SQLITE_HEADER);
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * The databases this entry covers now, sorted (as {@code databases} and {@code status} list
   * them).
   */
  public List<Path> findDatabases() throws IOException {
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (Stream<Path> s = Files.walk(dir, recursive ? Integer.MAX_VALUE : 1)) {
      s.filter(p -> covers(p) && isDatabase(p)).sorted().forEach(out::add);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return out;
  }
}
