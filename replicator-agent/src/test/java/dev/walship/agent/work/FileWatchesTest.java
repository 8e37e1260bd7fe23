package dev.walship.agent.work;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.LastErrorException;
import dev.walship.testing.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each case runs on inotify (what Linux gets) and on the JDK's watch service (elsewhere). */
class FileWatchesTest {
  @TempDir Path dir;

  static FileWatches start(String impl) throws Exception {
    DirectoryEvents events = impl.equals("inotify") ? Inotify.tryOpen() : JdkWatchEvents.open();
    assertNotNull(events, "inotify through JNA loads on Linux");
    return FileWatches.start(events, "test-watch");
  }

  @Test
  void linuxGetsInotify() throws Exception {
    try (DirectoryEvents e = DirectoryEvents.open()) {
      assertInstanceOf(Inotify.class, e);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"inotify", "jdk"})
  void oneInstanceDeliversEveryDirectorysEventsByNameUntilTheLastRegistrationCloses(String impl)
      throws Exception {
    Path a = Files.createDirectories(dir.resolve("a"));
    Path b = Files.createDirectories(dir.resolve("b"));
    List<String> first = new CopyOnWriteArrayList<>();
    List<String> second = new CopyOnWriteArrayList<>();
    List<String> other = new CopyOnWriteArrayList<>();
    try (FileWatches w = start(impl)) {
      FileWatches.Registration r1 = w.watch(a, first::add);
      FileWatches.Registration r2 = w.watch(a, second::add);
      FileWatches.Registration r3 = w.watch(b, other::add);
      assertEquals(2, w.directories());
      Files.write(a.resolve("x.db-wal"), new byte[1]);
      Await.until(
          Duration.ofSeconds(5),
          "both listeners of a see x.db-wal",
          () -> first.contains("x.db-wal") && second.contains("x.db-wal"));
      Files.delete(a.resolve("x.db-wal"));
      Files.write(b.resolve("y.db"), new byte[1]);
      Await.until(Duration.ofSeconds(5), "b's listener sees y.db", () -> other.contains("y.db"));
      assertTrue(
          !other.contains("x.db-wal"), "events go to their directory's listeners only: " + other);
      r1.close();
      assertEquals(2, w.directories(), "a is still watched for the second listener");
      r2.close();
      r3.close();
      assertEquals(0, w.directories());
      int before = first.size() + second.size() + other.size();
      Files.write(a.resolve("late"), new byte[1]);
      Files.write(b.resolve("late"), new byte[1]);
      Thread.sleep(200); // nothing may arrive; there is no condition to wait on for an absence
      assertEquals(
          before, first.size() + second.size() + other.size(), "no events after the last close");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"inotify", "jdk"})
  void aListenerOfSomeNamesHearsOnlyThoseWhileAListenerOfAllHearsEverything(String impl)
      throws Exception {
    Path a = Files.createDirectories(dir.resolve("many"));
    List<String> mine = new CopyOnWriteArrayList<>();
    List<String> theirs = new CopyOnWriteArrayList<>();
    List<String> all = new CopyOnWriteArrayList<>();
    try (FileWatches w = start(impl)) {
      FileWatches.Registration r1 = w.watch(a, java.util.Set.of("m.db", "m.db-wal"), mine::add);
      FileWatches.Registration r2 = w.watch(a, java.util.Set.of("t.db"), theirs::add);
      FileWatches.Registration r3 = w.watch(a, all::add);
      Files.write(a.resolve("t.db"), new byte[1]);
      Files.write(a.resolve("m.db-wal"), new byte[1]);
      Await.until(
          Duration.ofSeconds(5),
          "every listener hears its names",
          () ->
              mine.contains("m.db-wal")
                  && theirs.contains("t.db")
                  && all.containsAll(List.of("t.db", "m.db-wal")));
      assertEquals(List.of("m.db-wal"), List.copyOf(mine).stream().distinct().toList());
      assertEquals(List.of("t.db"), List.copyOf(theirs).stream().distinct().toList());
      r1.close();
      r3.close();
      assertEquals(1, w.directories(), "still watched for t.db");
      r2.close();
      assertEquals(0, w.directories());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"inotify", "jdk"})
  void aDirectoryDeletedAndMadeAgainIsWatchedAgainWhenRegisteredAgain(String impl)
      throws Exception {
    Path a = dir.resolve("again");
    List<String> seen = new CopyOnWriteArrayList<>();
    try (FileWatches w = start(impl)) {
      Files.createDirectories(a);
      FileWatches.Registration first = w.watch(a, seen::add);
      Files.write(a.resolve("one"), new byte[1]);
      Await.until(Duration.ofSeconds(5), "one", () -> seen.contains("one"));
      Files.delete(a.resolve("one"));
      Files.delete(a);
      Files.createDirectories(a);
      // The old watch ends with its directory; registering again watches the new one.
      Await.until(
          Duration.ofSeconds(5),
          "the new directory to be watched",
          () -> {
            w.watch(a, seen::add);
            Files.write(a.resolve("two"), new byte[1]);
            Thread.sleep(50);
            return seen.contains("two");
          });
      first.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"inotify", "jdk"})
  void closeEndsTheThreadAtOnce(String impl) throws Exception {
    FileWatches w = start(impl);
    w.watch(Files.createDirectories(dir.resolve("c")), n -> {});
    long t = System.nanoTime();
    w.close();
    assertTrue(
        System.nanoTime() - t < Duration.ofSeconds(2).toNanos(), "the watch thread woke and ended");
    w.close(); // twice is harmless
  }

  @Test
  void aDirectoryThatCannotBeWatchedIsNamedWithTheReasonAndTheLimitToRaise() throws Exception {
    Path missing = dir.resolve("missing");
    try (FileWatches w = start("inotify")) {
      IOException e = assertThrows(IOException.class, () -> w.watch(missing, n -> {}));
      assertEquals(
          "cannot watch " + missing + ": inotify_add_watch: no such directory (ENOENT)",
          e.getMessage());
    }
    assertEquals(
        "the user's inotify watches are used up (ENOSPC; raise sysctl fs.inotify.max_user_watches)",
        Inotify.problem(new LastErrorException(28)));
    assertEquals("errno 5", Inotify.problem(new LastErrorException(5)));
  }
}
