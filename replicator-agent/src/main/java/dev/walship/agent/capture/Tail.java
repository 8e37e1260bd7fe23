package dev.walship.agent.capture;

import dev.walship.format.layout.Position;
import java.io.IOException;

/**
 * The captured history as {@link ReadMark} and {@link LockSteps} use it: copy what the WAL holds,
 * make it durable, and what capture's own write will look like. {@link History} is the one
 * implementation; tests wrap it to watch the steps.
 */
interface Tail {
  /** Copies committed frames; {@code expect} names the cycle capture's own write may have begun. */
  boolean capture(OwnWrite expect) throws IOException, Discontinuity;

  /** Makes the copied frames durable (fsync): the WAL may restart after this. */
  void makeDurable() throws IOException;

  /** What capture's no-op write will look like if it restarts the WAL now. */
  OwnWrite expectation() throws IOException;

  /** Capture's own frame was copied: the index's current end holds no application frame. */
  void ownWriteCopied();

  /** The end of the captured history, or null before the first generation. */
  Position end();

  /** The size of a WAL frame of the database (24-byte header plus a page). */
  int frameSize();
}
