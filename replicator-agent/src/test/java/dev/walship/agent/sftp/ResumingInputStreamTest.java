package dev.walship.agent.sftp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.testing.OpenSshServer;
import dev.walship.testing.TcpProxy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads that survive a dropped connection, through a {@link TcpProxy} in front of OpenSSH's sshd.
 */
class ResumingInputStreamTest {
  private static final int SIZE = 24 << 20;

  @TempDir static Path tmp;
  static SftpFixture fx;
  static byte[] content;

  @BeforeAll
  static void setUp() {
    fx = SftpFixture.start(tmp);
    content = new byte[SIZE];
    new SplittableRandom(11).nextBytes(content);
  }

  @AfterAll
  static void stop() {
    if (fx != null) {
      fx.close();
    }
  }

  private static Path file(String name) throws IOException {
    Path root = Files.createDirectories(tmp.resolve(name));
    Path f = root.resolve("big.snapshot.lz4");
    Files.write(f, content);
    Files.setLastModifiedTime(f, FileTime.from(Instant.parse("2026-11-27T08:00:00Z")));
    return f;
  }

  private static SftpReplicaStore store(Path root, TcpProxy proxy, int attempts)
      throws IOException {
    return SftpReplicaStore.open(
        fx.target(root.toString(), proxy.port()),
        fx.options().withReconnect(attempts, Duration.ofMillis(10), Duration.ofMillis(40)));
  }

  @Test
  void aDropMidFileResumesAtTheByteReached() throws IOException {
    Path f = file("resume");
    try (TcpProxy proxy = TcpProxy.start(OpenSshServer.HOST, fx.server.port());
        SftpReplicaStore store = store(f.getParent(), proxy, 5);
        InputStream in = store.open(f.getFileName().toString())) {
      byte[] head = in.readNBytes(5_000_000);
      proxy.cutAll();
      ByteArrayOutputStream rest = new ByteArrayOutputStream();
      in.transferTo(rest);
      assertArrayEquals(Arrays.copyOf(content, 5_000_000), head);
      assertArrayEquals(Arrays.copyOfRange(content, 5_000_000, SIZE), rest.toByteArray());
      assertEquals(SIZE, ((ResumingInputStream) in).position());
      assertEquals(2, store.connectionNumber(), "one reconnect");
    }
  }

  @Test
  void aFileThatChangedMeanwhileIsNotStitchedTogether() throws IOException {
    Path f = file("changed");
    try (TcpProxy proxy = TcpProxy.start(OpenSshServer.HOST, fx.server.port());
        SftpReplicaStore store = store(f.getParent(), proxy, 5);
        InputStream in = store.open(f.getFileName().toString())) {
      in.readNBytes(1_000_000);
      // Another file takes the name (renamed over it: truncating the open file in place would let
      // reads already in flight on the first connection end early, before the cut).
      Path other = Files.write(f.resolveSibling("other"), Arrays.copyOf(content, SIZE / 2));
      Files.move(other, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      proxy.cutAll();
      IOException e =
          assertThrows(IOException.class, () -> in.transferTo(OutputStreamSink.INSTANCE));
      assertTrue(
          e.getMessage()
              .contains(
                  "big.snapshot.lz4: read: the file changed while it was read (size "
                      + SIZE
                      + " -> "
                      + SIZE / 2),
          e.getMessage());
    }
  }

  @Test
  void aServerThatStaysAwayEndsTheReadWithAnErrorNotAShortFile() throws IOException {
    Path f = file("gone");
    try (TcpProxy proxy = TcpProxy.start(OpenSshServer.HOST, fx.server.port());
        SftpReplicaStore store = store(f.getParent(), proxy, 3);
        InputStream in = store.open(f.getFileName().toString())) {
      in.readNBytes(2_000_000);
      proxy.refuse(true);
      fx.sleeps.clear();
      proxy.cutAll();
      IOException e =
          assertThrows(IOException.class, () -> in.transferTo(OutputStreamSink.INSTANCE));
      assertTrue(e.getMessage().startsWith(store.location() + ": "), e.getMessage());
      assertEquals(2, fx.sleeps.size(), "waited between the three connection attempts");
    }
  }

  /** Discards what it is given. */
  private static final class OutputStreamSink extends java.io.OutputStream {
    static final OutputStreamSink INSTANCE = new OutputStreamSink();

    @Override
    public void write(int b) {}

    @Override
    public void write(byte[] b, int off, int len) {}
  }
}
