package dev.walship.server.fs;

import java.util.HexFormat;
import java.util.random.RandomGenerator;

/**
 * Names the server keeps for itself: the temporary files of atomic uploads. Clients can neither
 * see them in listings nor name them in any request; Litestream's readers skip them too (they
 * parse as no layout name).
 */
final class HiddenNames {
  /** Every hidden name starts with this. */
  static final String PREFIX = ".replica-server-upload-";

  private HiddenNames() {}

  static boolean isHidden(String name) {
    return name.startsWith(PREFIX);
  }

  /** A fresh temporary file name. */
  static String temporary(RandomGenerator random) {
    return PREFIX + HexFormat.of().toHexDigits(random.nextLong());
  }
}
