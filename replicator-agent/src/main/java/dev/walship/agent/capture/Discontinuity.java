package dev.walship.agent.capture;

/**
 * Capture met a WAL or database it cannot continue from what it captured. {@link #lost()}: the
 * history is certainly broken (a new generation follows). Otherwise the change is unexplained (for
 * example the WAL restarted without capture): the full continuity check decides.
 */
final class Discontinuity extends Exception {
  private static final long serialVersionUID = 1L;
  private final boolean lost;

  private Discontinuity(String reason, boolean lost) {
    super(reason);
    this.lost = lost;
  }

  static Discontinuity lost(String reason) {
    return new Discontinuity(reason, true);
  }

  static Discontinuity unexplained(String reason) {
    return new Discontinuity(reason, false);
  }

  boolean lost() {
    return lost;
  }
}
