package dev.walship.agent.sftp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server allocates the length each READ asks for: a file of a few KiB (most replica files) is
 * read in requests of {@link ResumingInputStream#SMALLEST_READ}, not of {@link
 * SftpReplicaStore#BUFFER_SIZE}; a large one in larger requests.
 */
class SmallReadsTest {
  @Test
  void aSmallFileIsReadInSmallRequestsAndALargeOneInFullOnes(@TempDir Path dir) throws Exception {
    Path root = Files.createDirectories(dir.resolve("root"));
    Path db = Files.createDirectories(root.resolve("db"));
    byte[] small = new byte[3000];
    byte[] large = new byte[600_000];
    new SplittableRandom(4).nextBytes(small);
    new SplittableRandom(5).nextBytes(large);
    Files.write(db.resolve("small"), small);
    Files.write(db.resolve("large"), large);
    try (MinaSftpServer mina = MinaSftpServer.start(dir, root, true);
        SftpReplicaStore store =
            SftpReplicaStore.open(
                mina.target("/db", MinaSftpServer.PASSWORD),
                SftpOptions.defaults().withUserHome(dir))) {
      mina.clearEvents();
      try (InputStream in = store.open("small")) {
        assertArrayEquals(small, in.readAllBytes());
      }
      List<Integer> smallReads = reads(mina, "/db/small");
      assertTrue(!smallReads.isEmpty(), "reads recorded: " + mina.events());
      assertTrue(
          smallReads.stream().allMatch(n -> n == ResumingInputStream.SMALLEST_READ),
          "read lengths " + smallReads);
      try (InputStream in = store.open("large")) {
        assertArrayEquals(large, in.readAllBytes());
      }
      // MINA's server reads at most 63 KiB per request (replica-server allows more).
      assertTrue(
          reads(mina, "/db/large").get(0) > ResumingInputStream.SMALLEST_READ,
          "a large file is read in full requests: " + reads(mina, "/db/large"));
    }
  }

  private static List<Integer> reads(MinaSftpServer mina, String file) {
    return mina.events().stream()
        .filter(e -> e.startsWith("read " + file + " "))
        .map(e -> Integer.parseInt(e.substring(e.lastIndexOf(' ') + 1)))
        .toList();
  }
}
