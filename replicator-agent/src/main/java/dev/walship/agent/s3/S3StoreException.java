package dev.walship.agent.s3;

import java.io.IOException;

/**
 * A failure of an S3 replica, worded for the operator (one line: where, what, what to check). It
 * keeps no cause: the SDK's exceptions may carry request details, and this one may be logged whole.
 * Network failures, 5xx answers and throttling were already retried with backoff.
 */
public final class S3StoreException extends IOException {
  private static final long serialVersionUID = 1L;

  S3StoreException(String message) {
    super(message);
  }
}
