package dev.walship.agent.capture;

import dev.walship.format.layout.Generation;
import dev.walship.format.layout.Layout;
import dev.walship.format.layout.Position;
import dev.walship.toolkit.files.DurableFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The meta directory of one database and the only place that names its files:
 *
 * <pre>
 * generation                           the current generation's name (replaced atomically)
 * generations/&lt;gen&gt;/wal/&lt;%08x&gt;.wal    shadow WAL of one index: the bytes of that WAL cycle
 * generations/&lt;gen&gt;/image              page image: hashes of the database's pages at a position
 * generations/&lt;gen&gt;/database           which database file the generation was captured from
 * replicas/&lt;name&gt;                       the last position a replica reported as shipped
 * agent/&lt;replica&gt;.state                what the running agent reports for {@code status} (health.AgentState)
 * verify/                              temporary restores of {@code verify} (verify.ReplicaComparison)
 * lock                                 held (fcntl) by the one capture that owns this directory
 * </pre>
 *
 * Small files are written atomically: temporary name, fsync, rename, fsync of the directory.
 */
final class MetaDir {
  static final String CURRENT = "generation";
  static final String LOCK = "lock";
  static final String IMAGE = "image";
  static final String IDENTITY = "database";
  static final String REPLICAS = "replicas";
  static final String SHADOW_SUFFIX = ".wal";
  private static final String TEMP_SUFFIX = ".tmp";

  private final Path root;

  MetaDir(Path root) {
    this.root = root;
  }

  Path root() {
    return root;
  }

  Path currentFile() {
    return root.resolve(CURRENT);
  }

  Path generationDir(Generation g) {
    return root.resolve(Layout.GENERATIONS).resolve(g.name());
  }

  Path walDir(Generation g) {
    return generationDir(g).resolve(Layout.WAL);
  }

  Path shadowWal(Generation g, int index) {
    String hex = Integer.toHexString(index); // as "%08x", without a Formatter on every segment
    return walDir(g).resolve("0".repeat(Math.max(0, 8 - hex.length())) + hex + SHADOW_SUFFIX);
  }

  Path imageFile(Generation g) {
    return generationDir(g).resolve(IMAGE);
  }

  Path identityFile(Generation g) {
    return generationDir(g).resolve(IDENTITY);
  }

  /** The identity recorded for {@code g}, or null when none (or an unreadable one) is. */
  DatabaseIdentity readIdentity(Generation g) throws IOException {
    try {
      return DatabaseIdentity.parse(Files.readString(identityFile(g), StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  void writeIdentity(Generation g, DatabaseIdentity id) throws IOException {
    writeAtomically(identityFile(g), id.text().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Takes the directory's lock (creating the directory): one capture per meta directory, across
   * processes. The lock file is not the database, so this lock does not touch SQLite's locks.
   *
   * @throws IOException naming the directory when another capture holds it
   */
  FileLock lock() throws IOException {
    Files.createDirectories(root);
    FileChannel ch =
        FileChannel.open(root.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      ch.close();
      throw new IOException(
          "another capture (in this or another process) holds "
              + root
              + "; only one may capture a database");
    }
    return lock;
  }

  /**
   * The current generation, or null when none is recorded (first start, or the directory was lost).
   */
  Generation readCurrent() throws IOException {
    try {
      String s = Files.readString(currentFile(), StandardCharsets.US_ASCII).strip();
      if (!Generation.isValid(s)) {
        throw new IOException(
            currentFile() + " holds '" + s + "', expected a 16-hex generation name");
      }
      return Generation.parse(s);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  void writeCurrent(Generation g) throws IOException {
    writeAtomically(currentFile(), (g.name() + "\n").getBytes(StandardCharsets.US_ASCII));
  }

  /** Creates the directories of {@code g} (durably). */
  void createGeneration(Generation g) throws IOException {
    Files.createDirectories(walDir(g));
    forceDirectory(walDir(g));
    forceDirectory(generationDir(g));
    forceDirectory(generationDir(g).getParent());
    forceDirectory(root);
  }

  /** The generations that have a directory, in name order. */
  List<Generation> generations() throws IOException {
    Path dir = root.resolve(Layout.GENERATIONS);
    List<Generation> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        String n = p.getFileName().toString();
        if (Generation.isValid(n)) {
          out.add(Generation.parse(n));
        }
      }
    }
    out.sort(Comparator.naturalOrder());
    return out;
  }

  /**
   * The shadow WAL files of {@code g} by index; names that are not {@code %08x.wal} are ignored.
   */
  TreeMap<Integer, Path> shadowIndices(Generation g) throws IOException {
    TreeMap<Integer, Path> out = new TreeMap<>();
    Path dir = walDir(g);
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        Integer index = parseShadowName(p.getFileName().toString());
        if (index != null) {
          out.put(index, p);
        }
      }
    }
    return out;
  }

  static Integer parseShadowName(String name) {
    if (name.length() != 8 + SHADOW_SUFFIX.length() || !name.endsWith(SHADOW_SUFFIX)) {
      return null;
    }
    long v = 0;
    for (int i = 0; i < 8; i++) {
      int d = Character.digit(name.charAt(i), 16);
      if (d < 0 || Character.isUpperCase(name.charAt(i))) {
        return null;
      }
      v = v << 4 | d;
    }
    return v > Layout.MAX_INDEX ? null : (int) v;
  }

  void deleteGeneration(Generation g) throws IOException {
    Path dir = generationDir(g);
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** Positions the replicas reported; unreadable entries are skipped. */
  Map<String, Position> readReplicas() throws IOException {
    Map<String, Position> out = new HashMap<>();
    Path dir = root.resolve(REPLICAS);
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        String n = p.getFileName().toString();
        if (n.endsWith(TEMP_SUFFIX)) {
          continue;
        }
        Position pos = parsePosition(Files.readString(p, StandardCharsets.US_ASCII));
        if (pos != null) {
          out.put(decodeName(n), pos);
        }
      }
    }
    return out;
  }

  void writeReplica(String name, Position p) throws IOException {
    Files.createDirectories(root.resolve(REPLICAS));
    String text = p.generation().name() + " " + p.index() + " " + p.offset() + "\n";
    writeAtomically(
        root.resolve(REPLICAS).resolve(encodeName(name)), text.getBytes(StandardCharsets.US_ASCII));
  }

  static Position parsePosition(String text) {
    String[] f = text.strip().split(" ");
    if (f.length != 3 || !Generation.isValid(f[0])) {
      return null;
    }
    try {
      return new Position(Generation.parse(f[0]), Integer.parseInt(f[1]), Long.parseLong(f[2]));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** A replica name as a file name: safe characters kept, everything else as {@code %XX}. */
  static String encodeName(String name) {
    StringBuilder b = new StringBuilder();
    for (byte c : name.getBytes(StandardCharsets.UTF_8)) {
      boolean safe =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '_';
      b.append(safe ? String.valueOf((char) c) : String.format(Locale.ROOT, "%%%02X", c & 0xff));
    }
    return b.toString();
  }

  static String decodeName(String file) {
    ByteBuffer out = ByteBuffer.allocate(file.length());
    for (int i = 0; i < file.length(); i++) {
      char c = file.charAt(i);
      if (c == '%' && i + 2 < file.length()) {
        out.put((byte) Integer.parseInt(file.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        out.put((byte) c);
      }
    }
    return new String(out.array(), 0, out.position(), StandardCharsets.UTF_8);
  }

  /**
   * Writes {@code data} to {@code file} so that a crash leaves either the old or the new content.
   */
  static void writeAtomically(Path file, byte[] data) throws IOException {
    writeAtomically(file, out -> out.write(data));
  }

  /** Content written to an output stream. */
  interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  /** Like {@link #writeAtomically(Path, byte[])}, streaming the content. */
  static void writeAtomically(Path file, Content content) throws IOException {
    DurableFiles.write(
        file, file.resolveSibling(file.getFileName() + TEMP_SUFFIX), content::writeTo);
  }

  /** Makes the directory's entries (created, renamed, deleted files) durable. */
  static void forceDirectory(Path dir) throws IOException {
    DurableFiles.syncDirectory(dir);
  }
}
