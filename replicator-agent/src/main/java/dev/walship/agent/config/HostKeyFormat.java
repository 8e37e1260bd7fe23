package dev.walship.agent.config;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Checks the form of a {@code host-key:} value: a {@code SHA256:} fingerprint as {@code ssh-keygen
 * -lf} and {@code replica-server} print it (43 base64 characters, no padding), or an OpenSSH
 * public-key line ({@code ssh-ed25519 AAAA… [comment]}) whose key blob names the same type. Whether
 * the key matches the server is the SFTP store's business.
 */
final class HostKeyFormat {
  private HostKeyFormat() {}

  /** What is wrong with {@code value}, or null when it has a valid form. */
  static String problem(String value) {
    if (value.startsWith("SHA256:")) {
      return fingerprintProblem(value.substring("SHA256:".length()));
    }
    String[] parts = value.trim().split("\\s+");
    if (parts.length < 2) {
      return "expected a SHA256: fingerprint (as ssh-keygen -lf prints it)"
          + " or an OpenSSH public-key line (e.g. ssh-ed25519 AAAA…)";
    }
    byte[] blob;
    try {
      blob = Base64.getDecoder().decode(parts[1]);
    } catch (IllegalArgumentException e) {
      return "the key after " + parts[0] + " is not base64";
    }
    String named = blobType(blob);
    if (!parts[0].equals(named)) {
      return "the key is not a "
          + parts[0]
          + " public key"
          + (named == null ? "" : " (it is " + named + ")");
    }
    return null;
  }

  private static String fingerprintProblem(String b64) {
    try {
      byte[] digest = Base64.getDecoder().decode(b64.endsWith("=") ? b64 : b64 + "=");
      if (digest.length == 32) {
        return null;
      }
    } catch (IllegalArgumentException e) {
      // fall through
    }
    return "\"SHA256:"
        + b64
        + "\" is not a SHA256 fingerprint (43 base64 characters after SHA256:,"
        + " as ssh-keygen -lf prints)";
  }

  /** The type string an SSH public-key blob starts with, or null when it has none. */
  private static String blobType(byte[] blob) {
    if (blob.length < 4) {
      return null;
    }
    int len = ByteBuffer.wrap(blob).getInt();
    if (len <= 0 || len > blob.length - 4) {
      return null;
    }
    return new String(blob, 4, len, StandardCharsets.US_ASCII);
  }
}
