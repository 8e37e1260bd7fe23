package dev.walship.server.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.toolkit.time.Ticker;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class WriteTrackerTest {
  @Test
  void waitsUntilTheLastWriteCloses() throws Exception {
    WriteTracker t = new WriteTracker(Ticker.SYSTEM);
    assertTrue(t.awaitIdle(Duration.ZERO));
    t.opened();
    t.opened();
    assertEquals(2, t.open());
    assertFalse(t.awaitIdle(Duration.ofMillis(20)));
    Thread closer =
        new Thread(
            () -> {
              t.closed();
              t.closed();
            });
    closer.start();
    assertTrue(t.awaitIdle(Duration.ofSeconds(10)));
    closer.join();
    assertEquals(0, t.open());
  }

  @Test
  void aCloseInsideARequestCountsOnlyOnceTheRequestIsDone() throws Exception {
    WriteTracker t = new WriteTracker(Ticker.SYSTEM);
    t.opened();
    t.whileHandling(
        () -> {
          t.closed();
          assertEquals(1, t.open(), "the reply to this close is not sent yet");
        });
    assertEquals(0, t.open());
    t.opened();
    assertThrows(
        IOException.class,
        () ->
            t.whileHandling(
                () -> {
                  t.closed();
                  throw new IOException("failed close");
                }));
    assertEquals(0, t.open(), "released even when the request failed");
  }
}
