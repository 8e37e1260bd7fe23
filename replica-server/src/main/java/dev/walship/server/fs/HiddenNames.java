package dev.walship.server.fs;

import java.util.HexFormat;
import java.util.random.RandomGenerator;

/**
 * Names the server keeps for itself: the staging directory at the top of each writable directory
 * and the temporary files in it. Clients can neither see them in listings nor name them in any
 * request; Litestream's readers skip them too (they parse as no layout name). Older versions kept
 * temporary files beside their targets: the start-up sweep still removes those.
 */
final class HiddenNames {
  /** Every hidden name starts with this. */
  static final String PREFIX = ".replica-server-upload-";

  /** The staging directory's name, directly inside each writable directory. */
  static final String STAGING = PREFIX + "staging";

  private HiddenNames() {}

  static boolean isHidden(String name) {
    return name.startsWith(PREFIX);
  }

  /** A fresh temporary file name. */
  static String temporary(RandomGenerator random) {
    return PREFIX + HexFormat.of().toHexDigits(random.nextLong());
  }
}
