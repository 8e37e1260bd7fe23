package dev.walship.format.store;

/**
 * The SFTP extension replica-server announces in its VERSION reply, {@value #NAME}: a statement,
 * not a request. It says that every file a client opens for writing is written privately, synced
 * and validated when the client closes the handle, and only then published under the name it was
 * opened by, atomically replacing the old file; a refused, failed or abandoned upload leaves the
 * old file as it was. A client that sees it can open the final name directly, without a temporary
 * name, {@code fsync@openssh.com} or a rename: one round trip and three requests fewer per file.
 */
public final class PublishOnClose {
  /** The extension's name. */
  public static final String NAME = "publish-on-close@walship.dev";

  private PublishOnClose() {}
}
