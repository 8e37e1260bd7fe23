package dev.walship.agent.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.testing.S3Proxy;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.s3.S3Client;

/** {@link S3Upload}: which requests an upload makes, by size, and the part-size schedule. */
class S3UploadTest {
  static final S3Proxy S3 = S3Proxy.shared();
  static final int PART = S3Options.MIN_PART_SIZE;

  final List<String> ops = Collections.synchronizedList(new ArrayList<>());
  S3Client s3;
  ExecutorService pool;
  String bucket;

  @BeforeEach
  void client() {
    bucket = S3.newBucket("upload");
    pool = Executors.newFixedThreadPool(3);
    S3Target t =
        new S3Target(
            bucket,
            "",
            null,
            URI.create(S3.endpoint()),
            true,
            false,
            S3Credentials.of(S3.accessKey(), S3.secretKey(), null, "test"));
    s3 =
        S3Clients.build(
            t,
            S3Options.defaults(),
            "us-east-1",
            ServerClock.system(),
            List.of(
                new ExecutionInterceptor() {
                  @Override
                  public void beforeTransmission(
                      Context.BeforeTransmission c, ExecutionAttributes a) {
                    ops.add(a.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
                  }
                }));
  }

  @AfterEach
  void close() {
    s3.close();
    pool.shutdown();
  }

  private byte[] upload(int size) throws Exception {
    byte[] data = new byte[size];
    new SplittableRandom(size).nextBytes(data);
    S3Upload u =
        new S3Upload(s3, bucket, "k" + size, S3Options.defaults().withParts(PART, 3), pool);
    for (int off = 0; off < size; off += 65_536) {
      u.write(data, off, Math.min(65_536, size - off));
    }
    assertEquals(size, u.finish());
    return data;
  }

  @Test
  void upToOnePartIsOnePut() throws Exception {
    byte[] data = upload(PART);
    assertEquals(List.of("PutObject"), ops);
    assertArrayEquals(
        data, s3.getObjectAsBytes(g -> g.bucket(bucket).key("k" + PART)).asByteArray());
  }

  @Test
  void moreIsAMultipartUploadOfFullPartsAndARest() throws Exception {
    int size = 3 * PART + 17;
    byte[] data = upload(size);
    assertEquals("CreateMultipartUpload", ops.get(0));
    assertEquals(
        List.of("UploadPart", "UploadPart", "UploadPart", "UploadPart"),
        ops.subList(1, 5).stream().sorted().toList());
    assertEquals("CompleteMultipartUpload", ops.get(5));
    assertEquals(6, ops.size());
    assertArrayEquals(
        data, s3.getObjectAsBytes(g -> g.bucket(bucket).key("k" + size)).asByteArray());
  }

  @Test
  void partsGrowAfterEveryThousandSoTenThousandAreNeverReached() {
    S3Upload u = new S3Upload(s3, bucket, "x", S3Options.defaults(), pool);
    int base = S3Options.defaults().partSize();
    assertEquals(base, u.partSize(1));
    assertEquals(base, u.partSize(1000));
    assertEquals(2 * base, u.partSize(1001));
    assertEquals(4 * base, u.partSize(2001));
    long total = 0;
    for (int n = 1; n <= 10_000; n++) {
      total += u.partSize(n);
    }
    assertTrue(total > 1L << 40, "10,000 parts hold more than 1 TiB: " + total);
  }
}
