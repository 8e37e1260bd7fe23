package dev.walship.server.content;

import dev.walship.format.layout.InvalidNameException;
import dev.walship.format.layout.WalSegmentName;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The segments of one WAL index in a {@code wal/} directory on disk. */
final class SegmentDirectory {
  private SegmentDirectory() {}

  /** The segments of {@code segment}'s index that start before it, in offset order. */
  static List<WalSegmentName> before(Path walDir, WalSegmentName segment) throws IOException {
    List<WalSegmentName> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(walDir)) {
      for (Path p : ds) {
        WalSegmentName name;
        try {
          name = WalSegmentName.parse(segment.generation(), p.getFileName().toString());
        } catch (InvalidNameException notASegment) {
          continue;
        }
        if (name.index() == segment.index()
            && name.offset() < segment.offset()
            && Files.isRegularFile(p)) {
          out.add(name);
        }
      }
    } catch (NoSuchFileException e) {
      return out;
    }
    out.sort(null);
    return out;
  }
}
