package dev.walship.agent.s3;

import dev.walship.format.layout.Generation;
import dev.walship.format.layout.Layout;
import dev.walship.format.layout.LayoutFile;
import dev.walship.format.store.ContentWriter;
import dev.walship.format.store.Entry;
import dev.walship.format.store.ReplicaStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A replica in an S3 bucket ({@code s3://bucket/path}, AWS or any S3-compatible server), laid out
 * exactly as Litestream v0.3.13's S3 replica client lays it out: keys {@code
 * <path>/generations/<gen>/snapshots/…} and {@code …/wal/…}, times from S3's {@code LastModified}.
 *
 * <p>Guarantees, as for the other stores: a file is visible whole or not at all ({@link S3Upload});
 * a new generation's first object is stamped in a later server second than every object before it
 * ({@link ServerClock}), so Litestream and walship restore the newest generation; listings follow
 * continuation tokens past 1,000 keys; a download that breaks off resumes where it stopped ({@link
 * S3ObjectStream}). Requests are retried with backoff by the SDK; what still fails is one line
 * naming the replica ({@link S3Errors}). Thread-safe: restore reads in parallel.
 *
 * <p>The SDK client is built on first use (finding the bucket's region may need the network), so a
 * server that is down does not stop the agent from starting.
 */
public final class S3ReplicaStore implements ReplicaStore {
  private static final Logger LOG = LoggerFactory.getLogger(S3ReplicaStore.class);
  private static final int DELETE_BATCH = 1000;

  private final S3Target target;
  private final S3Options options;
  private final S3Keys keys;
  private final S3Errors errors;
  private final ServerClock clock;
  private S3Client client;
  private ExecutorService pool;
  private Generation lastWritten;
  private volatile boolean batchDeletes = true;

  S3ReplicaStore(S3Target target, S3Options options, ServerClock clock) {
    this.target = target;
    this.options = options;
    this.keys = new S3Keys(target.root());
    this.errors = new S3Errors(target);
    this.clock = clock;
  }

  /** A store for {@code target} with the default options. Connects on first use. */
  public static S3ReplicaStore open(S3Target target) {
    return open(target, S3Options.defaults());
  }

  /** A store for {@code target}. Connects on first use. */
  public static S3ReplicaStore open(S3Target target, S3Options options) {
    return new S3ReplicaStore(target, options, ServerClock.system());
  }

  @Override
  public String location() {
    return target.location();
  }

  @Override
  public List<Entry> list(String dir) throws IOException {
    String prefix = keys.prefix(dir);
    List<Entry> out = new ArrayList<>();
    try {
      for (ListObjectsV2Response page :
          client()
              .listObjectsV2Paginator(
                  l -> l.bucket(target.bucket()).prefix(prefix).delimiter("/"))) {
        for (CommonPrefix p : page.commonPrefixes()) {
          String name = p.prefix().substring(prefix.length(), p.prefix().length() - 1);
          if (!name.isEmpty() && name.indexOf('/') < 0) {
            out.add(new Entry(name, true, 0, Instant.EPOCH));
          }
        }
        for (S3Object o : page.contents()) {
          String name = o.key().substring(prefix.length());
          if (!name.isEmpty() && name.indexOf('/') < 0) {
            clock.sawObject(o.lastModified());
            out.add(new Entry(name, false, o.size(), o.lastModified()));
          }
        }
      }
    } catch (SdkException e) {
      throw errors.translate(where(dir), "list", e);
    }
    return out;
  }

  @Override
  public InputStream open(String path) throws IOException {
    String key = keys.key(path);
    try {
      S3Client s3 = client();
      return new S3ObjectStream(
          s3, target.bucket(), key, s3.getObject(g -> g.bucket(target.bucket()).key(key)));
    } catch (SdkException e) {
      throw errors.translate(where(path), "read", e);
    }
  }

  @Override
  public Entry write(LayoutFile file, Instant modified, ContentWriter content) throws IOException {
    S3Client s3 = client();
    awaitOrder(file.generation());
    S3Upload upload = new S3Upload(s3, target.bucket(), keys.key(file.path()), options, pool());
    long size;
    try {
      content.writeTo(upload);
      size = upload.finish();
    } catch (SdkException e) {
      upload.abort();
      throw errors.translate(where(file.path()), "write", e);
    } catch (IOException | RuntimeException e) {
      upload.abort();
      throw e;
    }
    synchronized (this) {
      lastWritten = file.generation();
    }
    return new Entry(file.fileName(), false, size, clock.wrote());
  }

  /**
   * The first object of another generation than the last one written goes into a later server
   * second.
   */
  private void awaitOrder(Generation g) throws IOException {
    synchronized (this) {
      if (g.equals(lastWritten)) {
        return;
      }
    }
    try {
      clock.awaitLaterSecond();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException(location() + ": interrupted");
    }
  }

  @Override
  public void delete(String path) throws IOException {
    String key = keys.key(path);
    try {
      client().deleteObject(d -> d.bucket(target.bucket()).key(key));
    } catch (SdkException e) {
      throw errors.translate(where(path), "delete", e);
    }
  }

  /**
   * Deletes every object of {@code generation}: 1,000 per {@code DeleteObjects} request, as
   * Litestream does; one {@code DeleteObject} each (in parallel) on a server that does not
   * implement the checksum the SDK sends with {@code DeleteObjects} (501, e.g. s3proxy).
   */
  @Override
  public void deleteGeneration(Generation generation) throws IOException {
    String dir = Layout.generationDir(generation);
    String prefix = keys.prefix(dir);
    List<String> all = new ArrayList<>();
    try {
      for (ListObjectsV2Response page :
          client().listObjectsV2Paginator(l -> l.bucket(target.bucket()).prefix(prefix))) {
        page.contents().forEach(o -> all.add(o.key()));
      }
      for (int i = 0; i < all.size(); i += DELETE_BATCH) {
        deleteKeys(dir, all.subList(i, Math.min(all.size(), i + DELETE_BATCH)));
      }
    } catch (SdkException e) {
      throw errors.translate(where(dir), "delete generation", e);
    }
  }

  private void deleteKeys(String dir, List<String> batch) throws IOException {
    if (batchDeletes) {
      try {
        DeleteObjectsResponse r =
            client()
                .deleteObjects(
                    d ->
                        d.bucket(target.bucket())
                            .delete(
                                del ->
                                    del.objects(
                                            batch.stream()
                                                .map(k -> ObjectIdentifier.builder().key(k).build())
                                                .toList())
                                        .quiet(true)));
        if (r.hasErrors() && !r.errors().isEmpty()) {
          S3Error first = r.errors().get(0);
          throw new S3StoreException(
              errors.redact(
                  where(dir)
                      + ": delete: "
                      + r.errors().size()
                      + " object(s) not deleted, first "
                      + first.key()
                      + ": "
                      + first.code()
                      + " "
                      + first.message()));
        }
        return;
      } catch (AwsServiceException e) {
        if (e.statusCode() != 501) {
          throw e;
        }
        batchDeletes = false;
        LOG.info(
            "{}: the server does not implement DeleteObjects as the SDK sends it; deleting one object per request",
            location());
      }
    }
    List<Future<?>> pending = new ArrayList<>();
    for (String k : batch) {
      pending.add(pool().submit(() -> client.deleteObject(d -> d.bucket(target.bucket()).key(k))));
    }
    for (Future<?> f : pending) {
      await(f);
    }
  }

  private static void await(Future<?> f) throws IOException {
    try {
      f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("delete interrupted");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof SdkException s) {
        throw s;
      }
      throw new IOException(e.getCause());
    }
  }

  private synchronized S3Client client() throws IOException {
    if (client == null) {
      String region;
      try {
        region = S3Clients.region(target, options, clock);
      } catch (SdkException e) {
        throw errors.translate(location(), "find the bucket's region", e);
      }
      client = S3Clients.build(target, options, region, clock);
    }
    return client;
  }

  private synchronized ExecutorService pool() {
    if (pool == null) {
      pool =
          Executors.newFixedThreadPool(
              options.parallelism(),
              r -> {
                Thread t = new Thread(r, "walship-s3-upload " + location());
                t.setDaemon(true);
                return t;
              });
    }
    return pool;
  }

  private String where(String relative) {
    return relative.isEmpty() ? location() : Layout.resolve(location(), relative);
  }

  @Override
  public synchronized void close() {
    if (pool != null) {
      pool.shutdownNow();
    }
    if (client != null) {
      client.close();
    }
  }

  @Override
  public String toString() {
    return location();
  }
}
