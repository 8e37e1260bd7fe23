package dev.walship.agent.age;

import java.io.IOException;

/**
 * A replica file that the configured age keys cannot open: encrypted to other recipients, or not
 * encrypted at all. The operator must act (fix {@code age.identities}, or keep encrypted and
 * unencrypted replicas apart); the file itself is not damaged, so it is never replaced or deleted.
 */
public final class AgeKeyException extends IOException {
  private static final long serialVersionUID = 1L;

  AgeKeyException(String message) {
    super(message);
  }
}
