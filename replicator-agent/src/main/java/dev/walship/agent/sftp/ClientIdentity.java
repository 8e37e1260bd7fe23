package dev.walship.agent.sftp;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.session.SessionContext;
import org.apache.sshd.common.util.security.SecurityUtils;

/**
 * Who the agent logs in as: only the replica's own {@code key-path} (OpenSSH or PEM private key,
 * optionally encrypted with {@code key-passphrase}) and/or {@code password}. Nothing else: no
 * {@code ~/.ssh/id_*}, no agent, no {@code ~/.ssh/config} (see {@link SshClientFactory}).
 *
 * @param keys the key pairs read from {@code key-path} (empty when unset)
 * @param password the password, or null
 * @param keyPath the key file, for messages, or null
 */
record ClientIdentity(List<KeyPair> keys, String password, Path keyPath) {

  /**
   * Reads the key of {@code target} (when set). Every problem is one line naming the key file:
   * missing file, unreadable, encrypted but no passphrase, wrong passphrase, not a key.
   *
   * @throws KeyFileException when the key cannot be used
   * @throws IllegalArgumentException when neither a key nor a password is configured
   */
  static ClientIdentity of(SftpTarget target) throws KeyFileException {
    if (target.keyPath() == null && target.password() == null) {
      throw new IllegalArgumentException(
          target.location() + ": no key-path and no password set: set key-path to a private key");
    }
    if (target.keyPath() == null) {
      return new ClientIdentity(List.of(), target.password(), null);
    }
    return new ClientIdentity(
        load(target.keyPath(), target.keyPassphrase()), target.password(), target.keyPath());
  }

  static List<KeyPair> load(Path file, String passphrase) throws KeyFileException {
    AskingPasswordProvider asker = new AskingPasswordProvider(passphrase);
    List<KeyPair> out = new ArrayList<>();
    try (InputStream in = Files.newInputStream(file)) {
      Iterable<KeyPair> pairs =
          SecurityUtils.loadKeyPairIdentities(
              null, NamedResource.ofName(file.toString()), in, asker);
      if (pairs != null) {
        pairs.forEach(out::add);
      }
    } catch (NoSuchFileException e) {
      throw new KeyFileException("key-path " + file + ": no such file");
    } catch (AccessDeniedException e) {
      throw new KeyFileException(
          "key-path " + file + ": permission denied (the agent cannot read it)");
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      if (asker.asked && passphrase == null) {
        throw new KeyFileException(
            "key-path " + file + ": the key is encrypted; set key-passphrase to its passphrase");
      }
      if (asker.asked) {
        throw new KeyFileException(
            "key-path " + file + ": wrong key-passphrase (the key cannot be decrypted with it)");
      }
      throw new KeyFileException(
          "key-path "
              + file
              + ": not a private key this agent can read (OpenSSH or PEM): "
              + e.getMessage());
    }
    if (out.isEmpty()) {
      throw new KeyFileException(
          "key-path " + file + ": no private key in the file (OpenSSH or PEM format expected)");
    }
    return List.copyOf(out);
  }

  /** {@code ssh-ed25519 SHA256:…} of the first key, for messages. */
  String keyDescription() {
    if (keys.isEmpty()) {
      return "no key";
    }
    KeyPair kp = keys.get(0);
    return keyPath
        + " ("
        + KeyUtils.getKeyType(kp)
        + " "
        + HostKeyPolicy.fingerprint(kp.getPublic())
        + ")";
  }

  /** A key file problem: the message is for the operator, one line naming the file. */
  static final class KeyFileException extends IOException {
    private static final long serialVersionUID = 1L;

    KeyFileException(String message) {
      super(message);
    }
  }

  /** Hands out the configured passphrase once, remembering that the key asked for one. */
  private static final class AskingPasswordProvider implements FilePasswordProvider {
    private final String passphrase;
    private boolean asked;

    AskingPasswordProvider(String passphrase) {
      this.passphrase = passphrase;
    }

    @Override
    public String getPassword(SessionContext session, NamedResource resource, int retryIndex) {
      asked = true;
      return retryIndex == 0 ? passphrase : null;
    }
  }

  @Override
  public String toString() {
    return "ClientIdentity[" + keyDescription() + (password != null ? ", password ***" : "") + "]";
  }
}
