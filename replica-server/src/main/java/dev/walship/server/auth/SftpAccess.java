package dev.walship.server.auth;

/** What a session may do with its user's tree, as its key's {@code command="…"} left it. */
public enum SftpAccess {
  /** Reads anywhere in the root, writes inside the user's writable directories. */
  READ_WRITE,
  /** Reads only: {@code command="internal-sftp -R"}, as sftp-server's read-only mode. */
  READ_ONLY
}
