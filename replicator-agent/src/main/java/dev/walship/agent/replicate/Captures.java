package dev.walship.agent.replicate;

/** The capture engine replication starts for each database. */
final class Captures {
  private Captures() {}

  /** The real capture engine ({@code dev.walship.agent.capture}). */
  static final Capture.Factory REAL = db -> {
    throw new IllegalStateException("capture engine not wired yet (waiting for dev.walship.agent.capture)");
  };
}
