package dev.walship.agent.s3;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * One object being uploaded, written as a stream.
 *
 * <p>Invariant: nothing is visible under the key until {@link #finish()} returns. An object of at
 * most one part is one {@code PutObject}, which S3 makes visible whole or not at all; a larger one
 * is a multipart upload whose parts go up in parallel while the next part fills, completed only
 * after every part succeeded. {@link #abort()} removes the parts of an upload that failed. Each
 * request carries {@code Content-MD5}, so the server refuses bytes damaged on the way.
 *
 * <p>Memory: one part buffer filling, at most {@code parallelism} more in flight.
 */
final class S3Upload extends OutputStream {
  private static final int FIRST_BUFFER = 64 * 1024;
  private static final String CONTENT_TYPE = "application/octet-stream";

  private final S3Client s3;
  private final String bucket;
  private final String key;
  private final S3Options options;
  private final ExecutorService pool;
  private final Semaphore slots;
  private final List<Future<CompletedPart>> parts = new ArrayList<>();

  private byte[] buf = new byte[FIRST_BUFFER];
  private int len;
  private long size;
  private String uploadId;

  S3Upload(S3Client s3, String bucket, String key, S3Options options, ExecutorService pool) {
    this.s3 = s3;
    this.bucket = bucket;
    this.key = key;
    this.options = options;
    this.pool = pool;
    this.slots = new Semaphore(options.parallelism());
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int n) throws IOException {
    while (n > 0) {
      int limit = partSize(parts.size() + 1);
      if (len == limit) {
        sendPart();
        continue;
      }
      if (len == buf.length) {
        buf = Arrays.copyOf(buf, (int) Math.min(limit, 2L * buf.length));
      }
      int take = Math.min(n, buf.length - len);
      System.arraycopy(b, off, buf, len, take);
      len += take;
      size += take;
      off += take;
      n -= take;
    }
  }

  /**
   * Makes the object visible: one {@code PutObject}, or the last part and {@code
   * CompleteMultipartUpload}.
   *
   * @return the object's size in bytes
   */
  long finish() throws IOException {
    if (uploadId == null) {
      byte[] body = buf;
      int n = len;
      s3.putObject(
          p -> p.bucket(bucket).key(key).contentType(CONTENT_TYPE).contentMD5(md5(body, n)),
          body(body, n));
      return size;
    }
    if (len > 0) {
      sendPart();
    }
    List<CompletedPart> done = new ArrayList<>(parts.size());
    for (Future<CompletedPart> f : parts) {
      done.add(await(f));
    }
    s3.completeMultipartUpload(
        c -> c.bucket(bucket).key(key).uploadId(uploadId).multipartUpload(m -> m.parts(done)));
    return size;
  }

  /**
   * Cancels a multipart upload that will not be completed, removing its parts, once the parts in
   * flight are done (a part that lands after the abort would stay); never throws.
   */
  void abort() {
    if (uploadId == null) {
      return;
    }
    for (Future<CompletedPart> f : parts) {
      try {
        f.get();
      } catch (ExecutionException | java.util.concurrent.CancellationException failed) {
        // aborted below either way
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    try {
      s3.abortMultipartUpload(a -> a.bucket(bucket).key(key).uploadId(uploadId));
    } catch (SdkException ignored) {
      // the parts stay until a lifecycle rule removes them; the object never became visible
    }
  }

  /**
   * Hands the full buffer to a pool thread; waits while {@code parallelism} parts are in flight.
   */
  private void sendPart() throws IOException {
    if (uploadId == null) {
      uploadId =
          s3.createMultipartUpload(c -> c.bucket(bucket).key(key).contentType(CONTENT_TYPE))
              .uploadId();
    }
    for (Future<CompletedPart> f : parts) {
      if (f.isDone()) {
        await(f); // a failed part fails the upload now, not after the rest went up
      }
    }
    try {
      slots.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("upload of " + key + " interrupted");
    }
    int number = parts.size() + 1;
    byte[] body = buf;
    int n = len;
    parts.add(
        pool.submit(
            () -> {
              try {
                String etag =
                    s3.uploadPart(
                            u ->
                                u.bucket(bucket)
                                    .key(key)
                                    .uploadId(uploadId)
                                    .partNumber(number)
                                    .contentLength((long) n)
                                    .contentMD5(md5(body, n)),
                            body(body, n))
                        .eTag();
                return CompletedPart.builder().partNumber(number).eTag(etag).build();
              } finally {
                slots.release();
              }
            }));
    buf = new byte[partSize(number + 1)];
    len = 0;
  }

  /** The size of part {@code number} (from 1): doubles after every 1,000 parts, at most 1 GiB. */
  int partSize(int number) {
    int doublings =
        Math.min((number - 1) / 1000, Integer.numberOfLeadingZeros(options.partSize()) - 2);
    return Math.min(options.partSize() << doublings, 1 << 30);
  }

  private static CompletedPart await(Future<CompletedPart> f) throws IOException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("upload interrupted");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof SdkException s) {
        throw s;
      }
      throw new IOException("part upload failed: " + e.getCause(), e.getCause());
    }
  }

  private static RequestBody body(byte[] bytes, int n) {
    return RequestBody.fromContentProvider(
        () -> new ByteArrayInputStream(bytes, 0, n), n, CONTENT_TYPE);
  }

  private static String md5(byte[] bytes, int n) {
    try {
      MessageDigest md = MessageDigest.getInstance("MD5");
      md.update(bytes, 0, n);
      return Base64.getEncoder().encodeToString(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no MD5", e);
    }
  }
}
