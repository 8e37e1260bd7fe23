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
 * uploads in progress, the quota usage, the immutability rule, and the {@link #lock} under which a
 * check of a target and the change that depends on it (publish, remove, rename) happen as one step.
 *
 * <p>Start-up ({@link #open} with a sweep) creates missing writable directories (0755), empties
 * their staging directories (uploads a crash interrupted), and walks each writable directory once:
 * it counts the quota usage and removes temporary files older versions left beside their targets.
 * Directories it cannot read are skipped with one warning per user. A reload opens new or moved
 * users the same way without the sweep, and gives the others their new settings ({@link #with}),
 * keeping their usage count and lock.
 */
final class UserSpace {
  private static final Logger LOG = LoggerFactory.getLogger(UserSpace.class);

  final UserConfig config;
  final String user;
  final Jail jail;
  final WritePolicy policy;
  final Usage usage;
  final Immutability immutability;
  final DiskSpace disk;

  /** Held while a target is checked and changed, by every session of the user. */
  final Object lock;

  private final List<Path> writable;
  private final Clock clock;
  private final RandomGenerator random;

  private UserSpace(
      UserConfig u,
      Jail jail,
      List<Path> writable,
      WritePolicy policy,
      Usage usage,
      Object lock,
      Clock clock,
      DiskSpace disk,
      RandomGenerator random) {
    this.config = u;
    this.user = u.name();
    this.jail = jail;
    this.writable = List.copyOf(writable);
    this.policy = policy;
    this.usage = usage;
    this.lock = lock;
    this.immutability = new Immutability(jail, policy, u.immutableFor(), clock);
    this.clock = clock;
    this.disk = disk;
    this.random = random;
  }

  /**
   * Opens user {@code u}'s tree; {@code sweep} (at start-up only) also removes what a crash left.
   */
  static UserSpace open(
      UserConfig u, Clock clock, DiskSpace disk, RandomGenerator random, boolean sweep)
      throws IOException {
    Jail jail = new Jail(u.root().toRealPath());
    List<Path> writable = new ArrayList<>();
    for (String w : u.writable()) {
      Path dir = jail.root().resolve(w);
      if (!Files.exists(dir)) {
        Files.createDirectories(
            dir,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        LOG.info("user {}: created writable directory {}", u.name(), LogText.field(dir));
      }
      Path real = dir.toRealPath();
      if (!real.startsWith(jail.root()) || !Files.isDirectory(real)) {
        throw new IOException(
            "user "
                + u.name()
                + ": writable "
                + w
                + " ("
                + real
                + ") is not a directory inside the root "
                + jail.root());
      }
      writable.add(real);
    }
    UserSpace space =
        new UserSpace(
            u,
            jail,
            writable,
            new WritePolicy(jail, writable),
            new Usage(u.name(), u.quota()),
            new Object(),
            clock,
            disk,
            random);
    space.walk(sweep);
    return space;
  }

  /** Whether {@code u} has this space's root and writable directories (its tree and usage). */
  boolean sameTree(UserConfig u) {
    return u.name().equals(user)
        && u.root().equals(config.root())
        && u.writable().equals(config.writable());
  }

  /**
   * This space with {@code u}'s settings (quota, immutable-for): same tree, usage count and lock.
   */
  UserSpace with(UserConfig u) {
    usage.quota(u.quota());
    return new UserSpace(u, jail, writable, policy, usage, lock, clock, disk, random);
  }

  /** This space for a session whose key allows reading only: no writable directory. */
  UserSpace readOnly() {
    return new UserSpace(
        config, jail, writable, new WritePolicy(jail, List.of()), usage, lock, clock, disk, random);
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
      Files.createDirectories(
          staging,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    return staging.resolve(HiddenNames.temporary(random));
  }

  /** Counts the usage; with {@code sweep}, also removes what a crash left. */
  private void walk(boolean sweep) throws IOException {
    List<Path> unreadable = new ArrayList<>();
    long[] found = {0, 0};
    for (Path w : writable) {
      if (sweep) {
        found[1] += emptyStaging(w.resolve(HiddenNames.STAGING));
      }
      TreeWalk.Result r =
          TreeWalk.files(
              w,
              d -> d.getFileName().toString().equals(HiddenNames.STAGING),
              (file, attrs) -> {
                if (!HiddenNames.isHidden(file.getFileName().toString())) {
                  found[0] += attrs.size();
                } else if (sweep && Files.deleteIfExists(file)) {
                  found[1]++;
                }
                return true;
              });
      unreadable.addAll(r.unreadable());
    }
    usage.found(found[0]);
    if (found[1] > 0) {
      LOG.info("user {}: removed {} unfinished upload(s) left by an earlier run", user, found[1]);
    }
    if (!unreadable.isEmpty()) {
      LOG.warn(
          "user {}: cannot read {} director{} ({}{}); skipped: not swept, not counted for the quota",
          user,
          unreadable.size(),
          unreadable.size() == 1 ? "y" : "ies",
          LogText.field(unreadable.get(0)),
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
