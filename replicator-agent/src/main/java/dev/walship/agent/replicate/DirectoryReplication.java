package dev.walship.agent.replicate;

import dev.walship.agent.config.DbConfig;
import dev.walship.agent.config.DirConfig;
import dev.walship.agent.work.FileWatches;
import dev.walship.agent.work.Job;
import dev.walship.agent.work.Workers;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code dir:} entry at work: finds the SQLite databases it covers (files whose name matches,
 * that begin with SQLite's header) and has the {@link Host} follow them; with {@code watch:}, file
 * events bring databases created later (followed once SQLite has written their header) and end the
 * following of deleted ones.
 *
 * <p>Design note: the watch listener only notes names and wakes this entry's {@link Job}; the job
 * looks at the noted files (one stat each) or, after lost events and every {@link #RESCAN}, at the
 * whole directory. A WAL write of a followed database is a name that does not match the pattern and
 * costs nothing.
 */
final class DirectoryReplication implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DirectoryReplication.class);

  /** How often a watched directory is listed in full, in case file events were lost. */
  static final Duration RESCAN = Duration.ofSeconds(10);

  /** Where found databases go: the replicator. */
  interface Host {
    /**
     * Starts replicating {@code db} unless something already does; true when this call started it.
     */
    boolean follow(DbConfig db);

    /** Ships what is captured of {@code db} (in the background) and stops following it. */
    void unfollow(Path db);
  }

  private final DirConfig config;
  private final Host host;
  private final FileWatches watches;
  private final Set<Path> followed = ConcurrentHashMap.newKeySet();
  private final Set<Path> noted = ConcurrentHashMap.newKeySet();
  private final Map<Path, FileWatches.Registration> watched = new HashMap<>();
  private volatile boolean lost;
  private long lastScan;
  private Job job;

  private DirectoryReplication(DirConfig config, Host host, FileWatches watches) {
    this.config = config;
    this.host = host;
    this.watches = watches;
  }

  /**
   * Finds and follows the databases there now; with {@code watch:}, keeps looking on {@code
   * workers}.
   */
  static DirectoryReplication start(
      DirConfig config, Host host, Workers workers, FileWatches watches) {
    DirectoryReplication d = new DirectoryReplication(config, host, watches);
    if (!Files.isDirectory(config.dir())) {
      LOG.warn(
          "{}: no such directory{}",
          config.dir(),
          config.watch()
              ? " (yet); watching for it is not possible, looking every " + RESCAN.toSeconds() + "s"
              : "; nothing to replicate there");
    }
    d.scan();
    if (config.watch()) {
      d.job = Job.start(workers, "directory " + config.dir(), d::step);
    }
    LOG.info(
        "{}: replicating {} database(s) matching {}{}{}",
        config.dir(),
        d.followed.size(),
        config.pattern(),
        config.recursive() ? " (recursive)" : "",
        config.watch() ? ", watching for new ones" : "");
    return d;
  }

  /** The databases this entry follows now. */
  Set<Path> followed() {
    return Set.copyOf(followed);
  }

  private Duration step() {
    long now = System.nanoTime();
    if (lost || now - lastScan >= RESCAN.toNanos()) {
      lost = false;
      scan();
    } else {
      for (Path p : Set.copyOf(noted)) {
        noted.remove(p);
        look(p);
      }
    }
    return RESCAN;
  }

  /**
   * Lists the directory (and subdirectories when recursive): follows what is new, drops what is
   * gone.
   */
  private void scan() {
    lastScan = System.nanoTime();
    Set<Path> found = new HashSet<>();
    walk(config.dir(), found);
    for (Path p : found) {
      follow(p);
    }
    for (Path p : Set.copyOf(followed)) {
      if (!found.contains(p) && !Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
        unfollow(p);
      }
    }
  }

  private void walk(Path dir, Set<Path> found) {
    watch(dir);
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          if (config.recursive() && !DirConfig.isMetaDir(p.getFileName().toString())) {
            walk(p, found);
          }
        } else if (config.covers(p) && DirConfig.isDatabase(p)) {
          found.add(p);
        }
      }
    } catch (NoSuchFileException e) {
      // gone (or not there yet): nothing to follow
    } catch (IOException e) {
      LOG.warn("{}: cannot list: {}", dir, e.getMessage());
    }
  }

  /** One noted name: a new subdirectory, a new database, or a followed one deleted. */
  private void look(Path p) {
    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      if (config.recursive() && !isMeta(p)) {
        Set<Path> found = new HashSet<>();
        walk(p, found);
        found.forEach(this::follow);
      }
      return;
    }
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      if (followed.contains(p)) {
        unfollow(p);
      }
      return;
    }
    if (!followed.contains(p) && config.covers(p) && DirConfig.isDatabase(p)) {
      follow(p);
    }
  }

  private static boolean isMeta(Path p) {
    return DirConfig.isMetaDir(p.getFileName().toString());
  }

  private void follow(Path p) {
    if (followed.contains(p)) {
      return;
    }
    if (host.follow(config.db(p))) {
      followed.add(p);
    }
  }

  private void unfollow(Path p) {
    followed.remove(p);
    LOG.info("{}: deleted; no longer replicating it", p);
    host.unfollow(p);
  }

  private synchronized void watch(Path dir) {
    if (!config.watch() || watched.containsKey(dir)) {
      return;
    }
    try {
      watched.put(dir, watches.watch(dir, name -> noted(dir, name)));
    } catch (NoSuchFileException e) {
      // not there (yet)
    } catch (IOException e) {
      LOG.warn(
          "{}: cannot watch: {} (looking every {}s instead)",
          dir,
          e.getMessage(),
          RESCAN.toSeconds());
    }
  }

  /** A file event (on the watch thread): note the name if it may matter, and wake the job. */
  private void noted(Path dir, String name) {
    if (name == null) {
      lost = true;
    } else {
      boolean mayBeDir =
          config.recursive()
              && !name.endsWith("-wal")
              && !name.endsWith("-shm")
              && !name.endsWith("-journal")
              && !DirConfig.isMetaDir(name);
      if (!mayBeDir && !config.pattern().matches(name)) {
        return; // a WAL write of a followed database, most of the time: no path work
      }
      Path p = dir.resolve(name);
      if (!config.covers(p) && !mayBeDir) {
        return;
      }
      noted.add(p);
    }
    Job j = job;
    if (j != null) {
      j.wake();
    }
  }

  /** Stops looking; the databases followed go on until the replicator stops them. */
  @Override
  public void close() {
    if (job != null) {
      job.stop();
    }
    synchronized (this) {
      watched.values().forEach(FileWatches.Registration::close);
      watched.clear();
    }
  }
}
