package dev.walship.agent.s3;

import dev.walship.toolkit.time.Backoff;
import java.time.Duration;
import java.util.Objects;

/**
 * How an {@link S3ReplicaStore} talks to its server, beyond what its {@link S3Target} says.
 *
 * @param partSize an upload larger than this goes up in parts of this size (multipart upload);
 *     smaller ones in one {@code PutObject}. At least 5 MiB (S3's smallest part). Default 8 MiB.
 *     After every 1,000 parts the part size doubles, so the 10,000-part limit is never reached
 * @param parallelism parts uploaded at once; also the number of part buffers beside the one being
 *     filled (default 4: at most 40 MiB of buffers per upload at the default part size)
 * @param attempts attempts per request, the first included, for 5xx answers, throttling and network
 *     errors (the SDK decides what is retryable)
 * @param retry the waits between them
 * @param connectTimeout TCP (and TLS) connect (default 10 s)
 * @param socketTimeout longest silence while reading an answer (default 60 s)
 */
public record S3Options(
    int partSize,
    int parallelism,
    int attempts,
    Backoff retry,
    Duration connectTimeout,
    Duration socketTimeout) {
  /** S3's smallest part (all but the last). */
  public static final int MIN_PART_SIZE = 5 << 20;

  public S3Options {
    if (partSize < MIN_PART_SIZE) {
      throw new IllegalArgumentException(
          "S3 part size " + partSize + " is below S3's minimum " + MIN_PART_SIZE);
    }
    if (parallelism < 1) {
      throw new IllegalArgumentException("S3 parallelism must be at least 1, got " + parallelism);
    }
    if (attempts < 1) {
      throw new IllegalArgumentException("S3 attempts must be at least 1, got " + attempts);
    }
    Objects.requireNonNull(retry, "retry");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(socketTimeout, "socketTimeout");
  }

  /** The defaults above; four attempts 0.25, 0.5, 1 s apart. */
  public static S3Options defaults() {
    return new S3Options(
        8 << 20,
        4,
        4,
        new Backoff(Duration.ofMillis(250), Duration.ofSeconds(5)),
        Duration.ofSeconds(10),
        Duration.ofSeconds(60));
  }

  /** These options with another part size and parallelism. */
  public S3Options withParts(int size, int inParallel) {
    return new S3Options(size, inParallel, attempts, retry, connectTimeout, socketTimeout);
  }

  /** These options with another retry schedule. */
  public S3Options withRetry(int attemptsPerRequest, Backoff backoff) {
    return new S3Options(
        partSize, parallelism, attemptsPerRequest, backoff, connectTimeout, socketTimeout);
  }
}
