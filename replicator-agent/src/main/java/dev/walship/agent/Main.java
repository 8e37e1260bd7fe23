package dev.walship.agent;

/** Entry point of {@code replicator}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.out.println("usage: replicator replicate|restore|generations|snapshots|wal|databases|version");
  }
}
