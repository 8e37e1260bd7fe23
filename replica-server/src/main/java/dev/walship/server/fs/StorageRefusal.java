package dev.walship.server.fs;

import java.io.IOException;

/**
 * A write the server could not or would not store: the disk is full, the user's quota is used up,
 * or an upload was discarded because an earlier write to it failed. SFTP answers it with {@code
 * SSH_FX_FAILURE}; the message names no host path, so it is sent to the client as it is.
 */
public final class StorageRefusal extends IOException {
  private static final long serialVersionUID = 1L;

  /** The message of a full disk, as clients and {@code replicator status} show it. */
  public static final String NO_SPACE = "no space left on device";

  private StorageRefusal(String message) {
    super(message);
  }

  /** The file system holding the user's files is full. */
  static StorageRefusal noSpace() {
    return new StorageRefusal(NO_SPACE);
  }

  /** Storing {@code more} bytes would take user {@code user} past its quota. */
  static StorageRefusal quota(String user, long used, long quota, long more) {
    return new StorageRefusal(
        "quota exceeded: user "
            + user
            + " uses "
            + used
            + " of its "
            + quota
            + " bytes; "
            + more
            + " more refused");
  }

  /** An earlier write to this upload failed with {@code reason}: it is not published. */
  static StorageRefusal discarded(String reason) {
    return new StorageRefusal("upload discarded: an earlier write to it failed: " + reason);
  }
}
