package dev.walship.agent.capture;

import dev.walship.format.layout.Position;
import dev.walship.toolkit.time.Ticker;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Random;

/**
 * Test helper: capture in a process of its own, so that tests can kill it with SIGKILL at any
 * moment. Prints {@code END <position> <state>} whenever the end moves, pins generation's index 0
 * (a replica "pin" that never ships) so every index stays on disk, and runs until killed.
 */
public final class CaptureProcess {
  private CaptureProcess() {}

  public static void main(String[] args) throws Exception {
    Path db = Path.of(args[0]);
    DatabaseCapture cap =
        DatabaseCapture.open(
            db,
            CaptureSettings.DEFAULTS,
            Clock.systemUTC(),
            Ticker.SYSTEM,
            new Random(Long.parseLong(args[1])));
    cap.start();
    Position last = null;
    while (true) {
      Position e = cap.awaitChange(last, Duration.ofMillis(100));
      if (e != null && (last == null || !last.generation().equals(e.generation()))) {
        cap.shipped("pin", new Position(e.generation(), 0, 0));
      }
      if (e != null) {
        System.out.println(
            "END "
                + e.generation()
                + " "
                + e.index()
                + " "
                + e.offset()
                + " "
                + cap.status().state());
        System.out.flush();
      }
      last = e;
    }
  }
}
