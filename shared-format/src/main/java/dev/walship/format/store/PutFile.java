package dev.walship.format.store;

/**
 * An SFTP extension of replica-server, {@value #NAME}: a whole small file uploaded in one request
 * and one reply, where the plain protocol needs OPEN, WRITE, FSETSTAT and CLOSE (and, for an atomic
 * replace, a temporary name and a rename). The request, after the usual length, type
 * (SSH_FXP_EXTENDED) and request id:
 *
 * <pre>
 * string  "put-file@walship.dev"
 * string  path      the file's final name
 * ATTRS   attrs     what to set on it before it is published (the mtime), as the negotiated
 *                   protocol version encodes attributes
 * string  content   the whole file, at most {@link #MAX_CONTENT} bytes
 * </pre>
 *
 * <p>The server does exactly what OPEN (write, create, truncate), one WRITE of the content at
 * offset 0, FSETSTAT of the attributes and CLOSE would do on a server that announces {@link
 * PublishOnClose}, through the same checks: the file is written privately, synced, validated and
 * published under its name, atomically replacing the old one. The reply is SSH_FXP_STATUS: OK only
 * when the file was published; otherwise the status of the step that failed (NO_SUCH_FILE when the
 * directory is missing, PERMISSION_DENIED, FAILURE with the validator's reason), and the old file
 * is kept as it was. A client sends it only to a server that announces it in its VERSION reply, and
 * only for content of at most {@link #MAX_CONTENT} bytes; a larger file goes the plain way.
 */
public final class PutFile {
  /** The extension's name. */
  public static final String NAME = "put-file@walship.dev";

  /**
   * The most content one request carries: well under the 255 KiB write replica-server accepts, and
   * larger than the WAL segments and small snapshots that make up nearly every upload.
   */
  public static final int MAX_CONTENT = 128 * 1024;

  private PutFile() {}
}
