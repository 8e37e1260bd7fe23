package dev.walship.server.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs the server as an unprivileged user ({@code nobody}, uid and gid 65534), as the install does
 * with its service user: the test suite runs as root, which reads and writes through any mode and
 * so hides every permission bug. The child JVM cannot read root's Maven repository, so the class
 * path is copied into a directory it can read.
 */
final class ServiceUser {
  static final int ID = 65534;
  private static final Pattern TEST_ONLY =
      Pattern.compile(".*(test-classes|junit|opentest4j|apiguardian|sqlite-jdbc).*");

  private ServiceUser() {}

  /** The command prefix that drops to the service user, then execs its arguments. */
  static List<String> wrapper() {
    return List.of("setpriv", "--reuid=" + ID, "--regid=" + ID, "--clear-groups", "--");
  }

  /**
   * This JVM's class path, copied (without test-only entries) under {@code dir}, readable by all.
   */
  static String classPath(Path dir) {
    List<String> out = new ArrayList<>();
    try {
      Path cp = Files.createDirectories(dir.resolve("classpath"));
      int i = 0;
      for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
        Path from = Path.of(entry);
        if (TEST_ONLY.matcher(entry).matches() || !Files.exists(from)) {
          continue;
        }
        Path to = cp.resolve(i++ + "-" + from.getFileName());
        copy(from, to);
        out.add(to.toString());
      }
      openUp(cp);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return String.join(java.io.File.pathSeparator, out);
  }

  private static void copy(Path from, Path to) throws IOException {
    if (!Files.isDirectory(from)) {
      Files.copy(from, to);
      return;
    }
    try (Stream<Path> all = Files.walk(from)) {
      for (Path p : all.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
  }

  /**
   * Makes {@code dir} and everything under it readable (and directories searchable) by everyone.
   */
  static void openUp(Path dir) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.toList()) {
        boolean d = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
        Files.setPosixFilePermissions(
            p, PosixFilePermissions.fromString(d ? "rwxr-xr-x" : "rw-r--r--"));
      }
    }
  }

  /** Gives {@code path} and everything under it to the service user. */
  static void own(Path path) throws IOException {
    try (Stream<Path> all = Files.walk(path)) {
      for (Path p : all.toList()) {
        Files.setAttribute(p, "unix:uid", ID, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:gid", ID, LinkOption.NOFOLLOW_LINKS);
      }
    }
  }
}
