package dev.walship.server.fs;

import dev.walship.server.audit.LogText;
import dev.walship.server.config.UserConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the sessions of one user share: the jail and write policy, the staging directories of
 * uploads in progress, the quota usage, the immutability rule, and the lock under which a check of
 * the target and the change that depends on it (publish, remove, rename) happen as one step.
 *
 * <p>Start-up ({@link #open}) creates missing writable directories (0755) and their staging
 * directories (0700), empties the staging directories (uploads a crash interrupted), and walks each
 * writable directory once: it counts the quota usage and removes temporary files older versions
 * left beside their targets. Directories it cannot read are skipped with one warning per user.
 */
final class UserSpace {
  private static final Logger LOG = LoggerFactory.getLogger(UserSpace.class);

  final String user;
  final Jail jail;
  final WritePolicy policy;
  final Usage usage;
  final Immutability immutability;
  final DiskSpace disk;
  private final List<Path> writable;
  private final RandomGenerator random;

  private UserSpace(UserConfig u, Jail jail, List<Path> writable, Clock clock, DiskSpace disk, RandomGenerator random) {
    this.user = u.name();
    this.jail = jail;
    this.writable = List.copyOf(writable);
    this.policy = new WritePolicy(jail, writable);
    this.usage = new Usage(u.name(), u.quota());
    this.immutability = new Immutability(jail, policy, u.immutableFor(), clock);
    this.disk = disk;
    this.random = random;
  }

  static UserSpace open(UserConfig u, Clock clock, DiskSpace disk, RandomGenerator random) throws IOException {
    Jail jail = new Jail(u.root().toRealPath());
    List<Path> writable = new ArrayList<>();
    for (String w : u.writable()) {
      Path dir = jail.root().resolve(w);
      if (!Files.exists(dir)) {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        LOG.info("user {}: created writable directory {}", u.name(), LogText.field(dir));
      }
      Path real = dir.toRealPath();
      if (!real.startsWith(jail.root()) || !Files.isDirectory(real)) {
        throw new IOException("user " + u.name() + ": writable " + w + " (" + real + ") is not a directory inside the root " + jail.root());
      }
      writable.add(real);
    }
    UserSpace space = new UserSpace(u, jail, writable, clock, disk, random);
    space.sweep();
    return space;
  }

  /** A fresh temporary file's path for an upload to {@code target}, on the same file system. */
  Path temporaryFor(Path target) throws IOException {
    Path home = null;
    for (Path w : writable) {
      if (target.startsWith(w) && (home == null || w.getNameCount() > home.getNameCount())) {
        home = w;
      }
    }
    if (home == null) {
      throw new PolicyDeniedException(jail.view(target), "outside the writable directories");
    }
    Path staging = home.resolve(HiddenNames.STAGING);
    if (!Files.isDirectory(staging)) {
      Files.createDirectories(staging, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    return staging.resolve(HiddenNames.temporary(random));
  }

  private void sweep() throws IOException {
    List<Path> unreadable = new ArrayList<>();
    int removed = 0;
    long bytes = 0;
    for (Path w : writable) {
      removed += emptyStaging(w.resolve(HiddenNames.STAGING));
      long[] found = {0, 0};
      TreeWalk.Result r = TreeWalk.files(w, d -> d.getFileName().toString().equals(HiddenNames.STAGING), (file, attrs) -> {
        if (HiddenNames.isHidden(file.getFileName().toString())) {
          Files.deleteIfExists(file);
          found[1]++;
        } else {
          found[0] += attrs.size();
        }
        return true;
      });
      bytes += found[0];
      removed += (int) found[1];
      unreadable.addAll(r.unreadable());
    }
    usage.found(bytes);
    if (removed > 0) {
      LOG.info("user {}: removed {} unfinished upload(s) left by an earlier run", user, removed);
    }
    if (!unreadable.isEmpty()) {
      LOG.warn("user {}: cannot read {} director{} ({}{}); skipped: not swept, not counted for the quota",
          user, unreadable.size(), unreadable.size() == 1 ? "y" : "ies", LogText.field(unreadable.get(0)),
          unreadable.size() > 1 ? ", and more" : "");
    }
  }

  private static int emptyStaging(Path staging) throws IOException {
    if (!Files.isDirectory(staging)) {
      return 0;
    }
    int n = 0;
    try (var files = Files.list(staging)) {
      for (Path p : files.toList()) {
        Files.deleteIfExists(p);
        n++;
      }
    }
    return n;
  }
}
