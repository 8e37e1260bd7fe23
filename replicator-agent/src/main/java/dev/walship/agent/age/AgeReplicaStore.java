package dev.walship.agent.age;

import dev.walship.format.layout.Generation;
import dev.walship.format.layout.Layout;
import dev.walship.format.layout.LayoutFile;
import dev.walship.format.store.ContentWriter;
import dev.walship.format.store.Entry;
import dev.walship.format.store.ReplicaStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.List;

/**
 * A replica whose files are age-encrypted, over any other store (file, sftp, s3), as Litestream
 * v0.3.13 encrypts them: each snapshot and WAL segment is its LZ4 file, encrypted whole, under the
 * same name; the layout, names and times are those of the store beneath. Writing needs recipients,
 * reading identities ({@link AgeKeys}).
 *
 * <p>A file the identities cannot open (encrypted to other keys, or not encrypted) is an {@link
 * AgeKeyException}, never a damaged file: the agent does not replace or delete it.
 */
public final class AgeReplicaStore implements ReplicaStore {
  private final ReplicaStore inner;
  private final AgeKeys keys;

  public AgeReplicaStore(ReplicaStore inner, AgeKeys keys) {
    this.inner = inner;
    this.keys = keys;
  }

  /** The store beneath. */
  public ReplicaStore inner() {
    return inner;
  }

  @Override
  public String location() {
    return inner.location();
  }

  @Override
  public List<Entry> list(String dir) throws IOException {
    return inner.list(dir);
  }

  @Override
  public InputStream open(String path) throws IOException {
    if (!keys.canDecrypt()) {
      throw new AgeKeyException(
          where(path)
              + ": age: has no identities to decrypt with (add the identity, AGE-SECRET-KEY-1…)");
    }
    InputStream in = inner.open(path);
    try {
      return AgeStreams.decrypt(keys, in, where(path));
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
  }

  @Override
  public Entry write(LayoutFile file, Instant modified, ContentWriter content) throws IOException {
    if (!keys.canEncrypt()) {
      throw new AgeKeyException(
          where(file.path()) + ": age: has no recipients to encrypt to (add the recipient, age1…)");
    }
    return inner.write(
        file,
        modified,
        out -> {
          try (OutputStream sealed = AgeStreams.encrypt(keys, out)) {
            content.writeTo(sealed);
          }
        });
  }

  @Override
  public void delete(String path) throws IOException {
    inner.delete(path);
  }

  @Override
  public void deleteGeneration(Generation generation) throws IOException {
    inner.deleteGeneration(generation);
  }

  @Override
  public void checkAccess() throws IOException {
    inner.checkAccess();
  }

  @Override
  public boolean remote() {
    return inner.remote();
  }

  @Override
  public void close() throws IOException {
    inner.close();
  }

  private String where(String relative) {
    return Layout.resolve(location(), relative);
  }

  @Override
  public String toString() {
    return location() + " (age)";
  }
}
