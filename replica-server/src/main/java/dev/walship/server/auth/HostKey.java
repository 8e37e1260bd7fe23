package dev.walship.server.auth;

import dev.walship.toolkit.files.DurableFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.Iterator;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.digest.BuiltinDigests;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.util.security.SecurityUtils;

/**
 * The server's ed25519 host key, in OpenSSH's private key format (as {@code ssh-keygen} writes it),
 * with its public half beside it in {@code <file>.pub}.
 *
 * <p>Invariants: the key is created only when the file does not exist, written to a temporary file
 * with mode 0600 and renamed into place, so a reader never sees half a key; a file that exists but
 * cannot be loaded is an error, never a reason to make a new key (clients pin the fingerprint).
 */
public record HostKey(Path file, KeyPair keyPair) {
  /** The comment stored with a created key. */
  public static final String COMMENT = "replica-server";

  /** Loads the key at {@code file}, creating it first if the file does not exist. */
  public static HostKey loadOrCreate(Path file) throws IOException {
    if (!Files.exists(file)) {
      try {
        create(file);
      } catch (FileAlreadyExistsException raced) {
        // another process created it first: load theirs
      }
    }
    return load(file);
  }

  /** Loads an existing key; fails (never regenerates) when it is missing or unusable. */
  public static HostKey load(Path file) throws IOException {
    KeyPair pair;
    try (InputStream in = Files.newInputStream(file)) {
      Iterator<KeyPair> keys =
          SecurityUtils.loadKeyPairIdentities(
                  null, NamedResource.ofName(file.toString()), in, FilePasswordProvider.EMPTY)
              .iterator();
      if (!keys.hasNext()) {
        throw new IOException("it holds no key");
      }
      pair = keys.next();
    } catch (NoSuchFileException e) {
      throw new IOException(
          "host key " + file + " does not exist (it is created on the first 'serve')");
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      throw new IOException(
          "host key "
              + file
              + " cannot be loaded: "
              + e.getMessage()
              + " (it is never regenerated: restore it, or delete it to make a new one and re-pin all clients)");
    }
    String type = KeyUtils.getKeyType(pair);
    if (!KeyPairProvider.SSH_ED25519.equals(type)) {
      throw new IOException("host key " + file + " is a " + type + " key; expected ssh-ed25519");
    }
    return new HostKey(file, pair);
  }

  /** {@code SHA256:…} of the public key, as OpenSSH prints it. */
  public String fingerprint() {
    return fingerprint(keyPair.getPublic());
  }

  /** {@code SHA256:…} of {@code key}. */
  public static String fingerprint(PublicKey key) {
    return KeyUtils.getFingerPrint(BuiltinDigests.sha256, key);
  }

  /** The line {@code ssh-keygen -lf FILE} prints for the key: bits, fingerprint, comment, type. */
  public String fingerprintLine() {
    return "256 " + fingerprint() + " " + COMMENT + " (ED25519)";
  }

  /** The public key as one {@code authorized_keys}/{@code known_hosts} style line. */
  public String publicLine() {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      OpenSSHKeyPairResourceWriter.INSTANCE.writePublicKey(keyPair.getPublic(), COMMENT, out);
      return out.toString(StandardCharsets.US_ASCII).trim();
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot encode the host key", e);
    }
  }

  private static void create(Path file) throws IOException {
    KeyPair pair;
    try {
      pair = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot generate an ed25519 key: " + e.getMessage(), e);
    }
    writeAtomically(
        file,
        false,
        "rw-------",
        out -> {
          try {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(pair, COMMENT, null, out);
          } catch (GeneralSecurityException e) {
            throw new IOException("cannot encode the host key: " + e.getMessage(), e);
          }
        });
    byte[] publicLine =
        (new HostKey(file, pair).publicLine() + "\n").getBytes(StandardCharsets.US_ASCII);
    writeAtomically(Path.of(file + ".pub"), true, "rw-r--r--", out -> out.write(publicLine));
  }

  /**
   * Writes {@code file} durably through a temporary file created with {@code perms} and a rename;
   * never replaces an existing file unless told to.
   */
  private static void writeAtomically(
      Path file, boolean replace, String perms, DurableFiles.Content content) throws IOException {
    if (!replace && Files.exists(file)) {
      throw new FileAlreadyExistsException(file.toString());
    }
    DurableFiles.write(
        file,
        file.resolveSibling("." + file.getFileName() + ".new"),
        content,
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(perms)));
  }
}
