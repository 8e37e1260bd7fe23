package dev.walship.server.fs;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Walks a user's tree without ever failing on what a client did to it: a directory the server
 * cannot read is skipped (and reported to the caller, who logs it once), an entry that vanishes
 * during the walk is skipped silently. Symbolic links are not followed.
 */
final class TreeWalk {
  /** What to do with each regular file found. */
  interface Visitor {
    /**
     * @return false to stop the walk
     */
    boolean file(Path file, BasicFileAttributes attributes) throws IOException;
  }

  /** What a walk found it could not read. */
  record Result(List<Path> unreadable, boolean stopped) {}

  private TreeWalk() {}

  /** Visits the regular files under {@code dir}, not entering directories {@code skip} accepts. */
  static Result files(Path dir, Predicate<Path> skip, Visitor visitor) throws IOException {
    List<Path> unreadable = new ArrayList<>();
    boolean[] stopped = {false};
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
            return !d.equals(dir) && skip.test(d)
                ? FileVisitResult.SKIP_SUBTREE
                : FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            if (attrs.isRegularFile() && !visitor.file(file, attrs)) {
              stopped[0] = true;
              return FileVisitResult.TERMINATE;
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) {
            if (!(e instanceof NoSuchFileException)) {
              unreadable.add(file);
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path d, IOException e) {
            if (e != null && !(e instanceof NoSuchFileException)) {
              unreadable.add(d);
            }
            return FileVisitResult.CONTINUE;
          }
        });
    return new Result(List.copyOf(unreadable), stopped[0]);
  }
}
