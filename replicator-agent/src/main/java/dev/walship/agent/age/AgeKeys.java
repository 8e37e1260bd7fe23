package dev.walship.agent.age;

import com.exceptionfactory.jagged.RecipientStanzaReader;
import com.exceptionfactory.jagged.RecipientStanzaWriter;
import com.exceptionfactory.jagged.x25519.X25519RecipientStanzaReaderFactory;
import com.exceptionfactory.jagged.x25519.X25519RecipientStanzaWriterFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A replica's age keys, as Litestream v0.3.13 reads {@code age: {identities: [...], recipients:
 * [...]}}: each list item is text in age's key-file format (one key per line; blank lines and lines
 * starting with {@code #} ignored, so the whole output of {@code age-keygen} is one item). Only
 * X25519 keys, as Litestream's {@code age.ParseIdentities}/{@code ParseRecipients} take. Identities
 * decrypt (restore, and the agent reading back a replica's last segment); recipients encrypt
 * (replicate).
 *
 * <p>Never shows an identity: not in {@link #toString()}, not in an error.
 */
public final class AgeKeys {
  private static final String IDENTITY_PREFIX = "AGE-SECRET-KEY-1";
  private static final String RECIPIENT_PREFIX = "age1";

  private final List<RecipientStanzaReader> identities;
  private final List<RecipientStanzaWriter> recipients;
  private final List<String> recipientKeys;

  private AgeKeys(
      List<RecipientStanzaReader> identities,
      List<RecipientStanzaWriter> recipients,
      List<String> keys) {
    this.identities = List.copyOf(identities);
    this.recipients = List.copyOf(recipients);
    this.recipientKeys = List.copyOf(keys);
  }

  /**
   * Reads key texts, each possibly several lines.
   *
   * @throws IllegalArgumentException naming the list and item ({@code identities[1]: line 2: …})
   *     and what is wrong; never the key
   */
  public static AgeKeys parse(List<String> identityTexts, List<String> recipientTexts) {
    List<RecipientStanzaReader> ids = new ArrayList<>();
    for (int i = 0; i < identityTexts.size(); i++) {
      for (Line l : lines("identities[" + i + "]", identityTexts.get(i))) {
        ids.add(identity(l));
      }
    }
    List<RecipientStanzaWriter> recs = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < recipientTexts.size(); i++) {
      for (Line l : lines("recipients[" + i + "]", recipientTexts.get(i))) {
        recs.add(recipient(l));
        keys.add(l.text());
      }
    }
    return new AgeKeys(ids, recs, keys);
  }

  /** Whether files can be decrypted (restore; replicate reads back what it wrote). */
  public boolean canDecrypt() {
    return !identities.isEmpty();
  }

  /** Whether files can be encrypted (replicate). */
  public boolean canEncrypt() {
    return !recipients.isEmpty();
  }

  List<RecipientStanzaReader> identities() {
    return identities;
  }

  List<RecipientStanzaWriter> recipients() {
    return recipients;
  }

  /**
   * Checks that the identities decrypt what is encrypted to the recipients (one matching pair is
   * enough: the others may be keys kept elsewhere); the agent must read back what it writes.
   *
   * @throws IllegalArgumentException when none of them match
   */
  public void checkReadBack() {
    if (!canDecrypt() || !canEncrypt()) {
      return;
    }
    byte[] probe = "walship age read-back check".getBytes(StandardCharsets.US_ASCII);
    try {
      ByteArrayOutputStream sealed = new ByteArrayOutputStream();
      try (OutputStream out = AgeStreams.encrypt(this, sealed)) {
        out.write(probe);
      }
      byte[] opened;
      try (InputStream in =
          AgeStreams.decrypt(this, new ByteArrayInputStream(sealed.toByteArray()), "probe")) {
        opened = in.readAllBytes();
      }
      if (!Arrays.equals(probe, opened)) {
        throw new IllegalStateException("age read-back check decrypted other bytes");
      }
    } catch (AgeKeyException e) {
      throw new IllegalArgumentException(
          "none of the identities decrypts what is encrypted to the recipients ("
              + String.join(", ", recipientKeys)
              + "); the agent could not read back its own replica");
    } catch (IOException e) {
      throw new IllegalStateException("age read-back check failed: " + e.getMessage(), e);
    }
  }

  /** One key line of a list item, for messages. */
  private record Line(String item, int number, String text) {
    String where() {
      return item + ": line " + number;
    }
  }

  private static List<Line> lines(String item, String text) {
    List<Line> out = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String t = lines[i].strip();
      if (!t.isEmpty() && !t.startsWith("#")) {
        out.add(new Line(item, i + 1, t));
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(item + ": no key in it (only blank or # lines)");
    }
    return out;
  }

  private static RecipientStanzaReader identity(Line l) {
    if (!l.text().startsWith(IDENTITY_PREFIX)) {
      throw new IllegalArgumentException(
          l.where()
              + ": not an age identity (expected AGE-SECRET-KEY-1…"
              + (l.text().startsWith(RECIPIENT_PREFIX)
                  ? "; age1… is a recipient, it goes under recipients:"
                  : "")
              + ")");
    }
    try {
      return X25519RecipientStanzaReaderFactory.newRecipientStanzaReader(l.text());
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException(
          l.where() + ": not a valid age X25519 identity (bad checksum or length)");
    }
  }

  private static RecipientStanzaWriter recipient(Line l) {
    if (!l.text().startsWith(RECIPIENT_PREFIX)) {
      throw new IllegalArgumentException(
          l.where()
              + ": not an age recipient (expected age1…"
              + (l.text().startsWith(IDENTITY_PREFIX)
                  ? "; that is a secret identity: it goes under identities:, never here"
                  : "")
              + ")");
    }
    try {
      return X25519RecipientStanzaWriterFactory.newRecipientStanzaWriter(l.text());
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException(
          l.where()
              + ": \""
              + l.text()
              + "\" is not a valid age X25519 recipient (bad checksum or length)");
    }
  }

  @Override
  public String toString() {
    return "AgeKeys[" + identities.size() + " identities, recipients " + recipientKeys + "]";
  }
}
