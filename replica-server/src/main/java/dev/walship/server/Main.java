package dev.walship.server;

/** Entry point of {@code replica-server}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.out.println("usage: replica-server serve|fingerprint|check-config [-config FILE]");
  }
}
