package dev.walship.server.audit;

/**
 * The audit log's events as calls, for whoever counts them (the server's metrics): each is made
 * where its audit line is written, once per line. User names are configured names (a refused login
 * carries none: its name is the client's choice). Implementations must be thread-safe and quick.
 */
public interface AuditEvents {
  /** Counts nothing. */
  AuditEvents NONE = new AuditEvents() {};

  /** {@code user} logged in (the session counts as open until {@link #logout}). */
  default void login(String user) {}

  /** A session of {@code user} that had logged in ended. */
  default void logout(String user) {}

  /** A key was refused. */
  default void loginRefused() {}

  /** An upload of {@code bytes} was published. */
  default void uploaded(String user, long bytes) {}

  /**
   * An upload was not published; {@code reason} is one word: {@code invalid} (content validation),
   * {@code quota}, {@code no-space}, {@code write-failed}, {@code abandoned} (not closed by the
   * client).
   */
  default void uploadRejected(String user, String reason) {}

  /** An operation ({@code op}: read, write, mkdir, remove, rename, …) was denied by policy. */
  default void denied(String user, String op) {}
}
