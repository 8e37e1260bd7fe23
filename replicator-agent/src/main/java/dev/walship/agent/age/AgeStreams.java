package dev.walship.agent.age;

import com.exceptionfactory.jagged.UnsupportedRecipientStanzaException;
import com.exceptionfactory.jagged.framework.stream.StandardDecryptingChannelFactory;
import com.exceptionfactory.jagged.framework.stream.StandardEncryptingChannelFactory;
import dev.walship.format.validate.AgeEnvelope;
import dev.walship.format.validate.ValidationException;
import dev.walship.toolkit.files.KeepOpen;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.security.GeneralSecurityException;

/** age encryption of whole files as streams, with Jagged. */
final class AgeStreams {
  private AgeStreams() {}

  /**
   * A stream that encrypts what is written to it onto {@code out}; {@link OutputStream#close()}
   * writes the last chunk and leaves {@code out} open.
   */
  static OutputStream encrypt(AgeKeys keys, OutputStream out) throws IOException {
    WritableByteChannel sink = Channels.newChannel(KeepOpen.output(out));
    try {
      return Channels.newOutputStream(
          new StandardEncryptingChannelFactory().newEncryptingChannel(sink, keys.recipients()));
    } catch (GeneralSecurityException e) {
      throw new IOException("age: cannot encrypt: " + e.getMessage(), e);
    }
  }

  /**
   * The plaintext of age file {@code in}; {@code where} names it in errors.
   *
   * @throws AgeKeyException when it is not an age file, or no identity opens it
   * @throws ValidationException when its header is damaged
   */
  static InputStream decrypt(AgeKeys keys, InputStream in, String where) throws IOException {
    BufferedInputStream buffered = new BufferedInputStream(in, 1 << 16);
    buffered.mark(AgeEnvelope.MAGIC_LENGTH);
    byte[] prefix = buffered.readNBytes(AgeEnvelope.MAGIC_LENGTH);
    buffered.reset();
    if (!AgeEnvelope.isAge(prefix)) {
      throw new AgeKeyException(
          where
              + ": not age-encrypted, but this replica has age: set"
              + " (a replica is either encrypted or not: give the encrypted one its own path)");
    }
    try {
      return Channels.newInputStream(
          new StandardDecryptingChannelFactory()
              .newDecryptingChannel(Channels.newChannel(buffered), keys.identities()));
    } catch (UnsupportedRecipientStanzaException e) {
      throw new AgeKeyException(
          where
              + ": none of the "
              + keys.identities().size()
              + " age identities decrypts it (it was encrypted to other recipients; check age.identities)");
    } catch (GeneralSecurityException e) {
      throw new ValidationException(where, "damaged age header: " + e.getMessage(), e);
    }
  }
}
