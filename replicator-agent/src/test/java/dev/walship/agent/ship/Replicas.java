package dev.walship.agent.ship;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.format.layout.Generation;
import dev.walship.format.lz4.Lz4;
import dev.walship.format.store.ReplicaStore;
import dev.walship.format.store.WalSegmentInfo;
import dev.walship.format.validate.ReplicaCheck;
import dev.walship.testing.Litestream;
import dev.walship.testing.Sqlite;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;

/** Looks at a replica the way a restore would. */
public final class Replicas {
  private Replicas() {}

  /** The decoded, concatenated segments of one index; fails on a gap or overlap. */
  public static byte[] index(ReplicaStore store, Generation g, int index) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (WalSegmentInfo s : store.walSegments(g)) {
      if (s.name().index() != index) {
        continue;
      }
      assertEquals(
          out.size(), s.name().offset(), "segment " + s.name().shortName() + " is contiguous");
      try (InputStream in = Lz4.decompressing(store.open(s.name()))) {
        in.transferTo(out);
      }
    }
    return out.toByteArray();
  }

  /** Segments of one index, in order. */
  public static List<WalSegmentInfo> segments(ReplicaStore store, Generation g, int index)
      throws IOException {
    return store.walSegments(g).stream().filter(s -> s.name().index() == index).toList();
  }

  /** ReplicaCheck finds nothing wrong. */
  public static void assertValid(ReplicaStore store) throws IOException {
    ReplicaCheck.Report r = ReplicaCheck.check(store);
    assertTrue(r.ok(), r.problems().toString());
  }

  /** Restores with the real Litestream v0.3.13 and returns the output's {@code .dump}. */
  public static String litestreamRestoreDump(Path replicaRoot, Path out) {
    Litestream.run("restore", "-o", out.toString(), "file://" + replicaRoot).orThrow();
    assertEquals("ok\n", Sqlite.cli(out, "PRAGMA integrity_check"));
    return Sqlite.dump(out);
  }
}
