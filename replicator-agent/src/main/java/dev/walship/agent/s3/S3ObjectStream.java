package dev.walship.agent.s3;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * An object's bytes that survive a dropped connection: when reading fails part-way, the rest is
 * asked for again ({@code Range: bytes=<read>-}) with {@code If-Match} on the first answer's ETag,
 * so bytes of a replaced object are never mixed in; up to {@link #RESUMES} times per object. The
 * SDK retries a request that fails before its body; this covers a body that breaks off (a 500 MB
 * snapshot restored over a flaky link).
 */
final class S3ObjectStream extends InputStream {
  static final int RESUMES = 3;

  private final S3Client s3;
  private final String bucket;
  private final String key;
  private final String etag;
  private InputStream in;
  private long position;
  private int resumes;

  S3ObjectStream(
      S3Client s3, String bucket, String key, ResponseInputStream<GetObjectResponse> first) {
    this.s3 = s3;
    this.bucket = bucket;
    this.key = key;
    this.etag = first.response().eTag();
    this.in = first;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    while (true) {
      try {
        int n = in.read(b, off, len);
        if (n > 0) {
          position += n;
        }
        return n;
      } catch (InterruptedIOException e) {
        throw e;
      } catch (IOException e) {
        resume(e);
      }
    }
  }

  private void resume(IOException cause) throws IOException {
    if (++resumes > RESUMES || etag == null) {
      throw cause;
    }
    try {
      in.close();
    } catch (IOException ignored) {
      // the broken stream
    }
    try {
      in =
          s3.getObject(
              g -> g.bucket(bucket).key(key).range("bytes=" + position + "-").ifMatch(etag));
    } catch (SdkException e) {
      cause.addSuppressed(e);
      throw cause;
    }
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
