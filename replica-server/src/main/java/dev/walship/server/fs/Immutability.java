package dev.walship.server.fs;

import dev.walship.format.layout.Generation;
import dev.walship.format.layout.InvalidNameException;
import dev.walship.format.layout.PathClass;
import dev.walship.format.layout.Position;
import dev.walship.format.layout.SnapshotName;
import dev.walship.format.layout.WalSegmentName;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code immutable-for}: which published snapshots and WAL segments no client may remove, rename,
 * replace or change yet.
 *
 * <p>Design note. A file's age is measured from its inode change time (ctime), which the kernel
 * sets to "now" whenever the file is created, renamed into place, or has its mode or times changed,
 * and which no system call can set to anything else. A client can set mtimes (restore relies on
 * them), but setting an mtime moves the ctime to now: the lock can only ever be extended, never
 * shortened, by a client. It survives restarts (it is on disk) and needs no record of ours.
 *
 * <p>The rule, per generation: a snapshot or segment is locked while it is younger than the window;
 * and so is every file a restore of those young segments needs, since young segments without their
 * base are worthless: every file at or after the floor, the position of the base snapshot of the
 * oldest young segment. That base is the newest snapshot at or before the segment's index that
 * existed when the segment was published (a snapshot uploaded later, e.g. by an attacker, cannot
 * move the floor up). Directories are locked while they hold a locked file. Floors are cached per
 * generation for a few seconds (a stale floor is lower, so it locks more, never less), and dropped
 * when a segment is published below the oldest young one.
 */
final class Immutability {
  private static final Duration FLOOR_TTL = Duration.ofSeconds(10);

  /** The floor of a generation: null when nothing in it is young. */
  private record Floor(Position floor, Position oldestYoung, Instant computed) {}

  private final Jail jail;
  private final WritePolicy policy;
  private final Duration window;
  private final Clock clock;
  private final Map<Path, Floor> floors = new ConcurrentHashMap<>();

  Immutability(Jail jail, WritePolicy policy, Duration window, Clock clock) {
    this.jail = jail;
    this.policy = policy;
    this.window = window;
    this.clock = clock;
  }

  /**
   * Why {@code real} (a file or a directory) cannot be removed, renamed, replaced or changed now;
   * null when it can.
   */
  String lockedReason(Path real) throws IOException {
    if (window.isZero() || !Files.exists(real, LinkOption.NOFOLLOW_LINKS)) {
      return null;
    }
    if (Files.isDirectory(real, LinkOption.NOFOLLOW_LINKS)) {
      return directoryReason(real);
    }
    return fileReason(real);
  }

  /** A file was published at {@code real}: forget a floor it may lower. */
  void published(Path real) {
    if (!(policy.layoutClass(real) instanceof PathClass.WalSegment w)) {
      return;
    }
    Path generationDir = real.getParent().getParent();
    Floor f = floors.get(generationDir);
    if (f != null
        && (f.oldestYoung() == null || w.name().position().compareTo(f.oldestYoung()) < 0)) {
      floors.remove(generationDir);
    }
  }

  private String fileReason(Path real) throws IOException {
    PathClass pc = policy.layoutClass(real);
    Position position =
        pc instanceof PathClass.Snapshot s
            ? s.name().position()
            : pc instanceof PathClass.WalSegment w ? w.name().position() : null;
    if (position == null) {
      return null;
    }
    Instant now = clock.instant();
    Duration age = Duration.between(changed(real), now);
    if (age.compareTo(window) < 0) {
      return "published " + age.toSeconds() + " s ago; immutable-for " + window.toSeconds() + " s";
    }
    Floor f = floor(real.getParent().getParent(), position.generation(), now);
    if (f.floor() != null && position.compareTo(f.floor()) >= 0) {
      return "needed to restore files published in the last "
          + window.toSeconds()
          + " s (immutable-for)";
    }
    return null;
  }

  private String directoryReason(Path dir) throws IOException {
    String[] why = {null};
    TreeWalk.Result r =
        TreeWalk.files(
            dir,
            d -> false,
            (file, attrs) -> {
              String reason = fileReason(file);
              if (reason != null) {
                why[0] = "holds " + jail.view(file) + ": " + reason;
              }
              return reason == null;
            });
    if (why[0] == null && !r.unreadable().isEmpty()) {
      return "holds "
          + jail.view(r.unreadable().get(0))
          + ", which the server cannot read, so it cannot tell what is immutable";
    }
    return why[0];
  }

  private Floor floor(Path generationDir, Generation g, Instant now) throws IOException {
    Floor f = floors.get(generationDir);
    if (f == null || f.computed().plus(FLOOR_TTL).isBefore(now)) {
      f = computeFloor(generationDir, g, now);
      floors.put(generationDir, f);
    }
    return f;
  }

  private Floor computeFloor(Path generationDir, Generation g, Instant now) throws IOException {
    Instant youngSince = now.minus(window);
    List<WalSegmentName> segments =
        names(generationDir.resolve("wal"), n -> WalSegmentName.parse(g, n));
    segments.sort(null);
    for (WalSegmentName y : segments) {
      Instant published = changedOrNull(generationDir.resolve("wal").resolve(y.fileName()));
      if (published == null || !published.isAfter(youngSince)) {
        continue;
      }
      Position base = new Position(g, 0, 0);
      Path snapshots = generationDir.resolve("snapshots");
      for (SnapshotName s : names(snapshots, n -> SnapshotName.parse(g, n))) {
        Instant made = changedOrNull(snapshots.resolve(s.fileName()));
        if (made != null
            && !made.isAfter(published)
            && s.index() <= y.index()
            && s.position().compareTo(base) > 0) {
          base = s.position();
        }
      }
      return new Floor(base, y.position(), now);
    }
    return new Floor(null, null, now);
  }

  private interface Parser<T> {
    T parse(String name);
  }

  private static <T> List<T> names(Path dir, Parser<T> parser) throws IOException {
    List<T> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        try {
          out.add(parser.parse(p.getFileName().toString()));
        } catch (InvalidNameException notOurs) {
          // .tmp files, hidden files: not published
        }
      }
    } catch (NoSuchFileException e) {
      return out;
    }
    return out;
  }

  /** The inode change time: set by the kernel alone, never by a client. */
  static Instant changed(Path real) throws IOException {
    return ((FileTime) Files.getAttribute(real, "unix:ctime", LinkOption.NOFOLLOW_LINKS))
        .toInstant();
  }

  private static Instant changedOrNull(Path real) throws IOException {
    try {
      return changed(real);
    } catch (NoSuchFileException e) {
      return null;
    }
  }
}
