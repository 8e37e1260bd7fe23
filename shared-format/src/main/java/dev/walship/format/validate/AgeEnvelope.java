package dev.walship.format.validate;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The outside of an age-encrypted file (age v1, https://age-encryption.org/v1), as Litestream
 * v0.3.13 writes a replica's files when {@code age.recipients} is set: the whole LZ4 file,
 * encrypted. Checks what can be checked without a key: the text header (version line, recipient
 * stanzas with canonical base64 bodies, the {@code ---} MAC line) and the binary payload's shape (a
 * 16-byte nonce, then 64 KiB chunks of ciphertext with a 16-byte tag each, the last one shorter).
 * Whether the plaintext is an LZ4 frame of whole WAL frames or a SQLite file cannot be known here.
 */
public final class AgeEnvelope {
  private static final String VERSION_LINE = "age-encryption.org/v1";

  /** The first line of every age file, with its newline. */
  private static final byte[] MAGIC = (VERSION_LINE + "\n").getBytes(StandardCharsets.US_ASCII);

  /** Bytes of {@link #MAGIC}: read this many to tell an age file from an LZ4 one. */
  public static final int MAGIC_LENGTH = MAGIC.length;

  private static final int NONCE = 16;
  private static final int TAG = 16;
  private static final int CHUNK = 64 * 1024 + TAG;

  /** The smallest plaintext an LZ4 frame needs: magic, FLG, BD, header checksum, end mark. */
  private static final int MIN_LZ4 = 11;

  /** A header longer than this is refused (one X25519 stanza is about 100 bytes). */
  private static final int MAX_HEADER = 64 * 1024;

  private static final int BODY_COLUMNS = 64;
  private static final int MAC_CHARS = 43;

  /**
   * What the envelope tells without a key.
   *
   * @param stanzas how many recipients the file key is wrapped for
   * @param plaintextLength bytes of the encrypted content
   */
  public record Summary(int stanzas, long plaintextLength) {}

  private AgeEnvelope() {}

  /** Whether {@code prefix} (the first bytes of a file) starts an age file. */
  public static boolean isAge(byte[] prefix) {
    return prefix.length >= MAGIC.length
        && Arrays.equals(prefix, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
  }

  /**
   * Reads {@code in} to its end as an age file; {@code what} names it in errors ({@code segment
   * 00000001_00000000}). Does not close {@code in}.
   */
  public static Summary check(String what, InputStream in) throws IOException {
    Header header = new Header(what, in);
    if (!header.line().equals(VERSION_LINE)) {
      throw new ValidationException(
          what, "not an age file (expected the line age-encryption.org/v1)");
    }
    int stanzas = 0;
    String line;
    while ((line = header.line()).startsWith("-> ")) {
      stanza(header, what, line);
      stanzas++;
    }
    if (stanzas == 0) {
      throw new ValidationException(what, "age header has no recipient stanza");
    }
    if (!line.startsWith("--- ") || !canonicalBase64(line.substring(4), MAC_CHARS)) {
      throw new ValidationException(
          what, "age header does not end with its MAC line (--- and 43 base64 characters)");
    }
    long payload = in.transferTo(OutputStream.nullOutputStream());
    return new Summary(stanzas, plaintextLength(what, payload));
  }

  private static void stanza(Header header, String what, String line) throws IOException {
    String[] args = line.substring(3).split(" ", -1);
    for (String a : args) {
      if (a.isEmpty() || !a.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
        throw new ValidationException(
            what, "age stanza line is not '-> type args…' in printable ASCII");
      }
    }
    String body;
    do {
      body = header.line();
      if (!canonicalBase64(body, -1) || body.length() > BODY_COLUMNS) {
        throw new ValidationException(
            what, "age stanza body is not base64 in lines of 64 characters");
      }
    } while (body.length() == BODY_COLUMNS);
  }

  /**
   * Payload bytes → plaintext bytes, or a ValidationException when no age payload has that size.
   */
  private static long plaintextLength(String what, long payload) throws ValidationException {
    long chunks = payload - NONCE;
    if (payload < NONCE + TAG) {
      throw new ValidationException(
          what,
          "age payload is " + payload + " bytes, expected a 16-byte nonce and at least one chunk");
    }
    long last = chunks % CHUNK;
    if (last > 0 && last <= TAG) {
      throw new ValidationException(
          what,
          "age payload ends in a "
              + last
              + "-byte chunk (a chunk holds a 16-byte tag and at least 1 byte)");
    }
    long n = (chunks + CHUNK - 1) / CHUNK;
    long plaintext = chunks - n * TAG;
    if (plaintext < MIN_LZ4) {
      throw new ValidationException(
          what,
          "age payload holds "
              + plaintext
              + " bytes, too few for an LZ4 frame (at least "
              + MIN_LZ4
              + ")");
    }
    return plaintext;
  }

  /** Unpadded standard base64, as age writes it; {@code length} -1 for any length. */
  private static boolean canonicalBase64(String s, int length) {
    if (length >= 0 && s.length() != length || s.length() % 4 == 1) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok =
          (c >= 'A' && c <= 'Z')
              || (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9')
              || c == '+'
              || c == '/';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** Reads the header's lines, never more than {@link #MAX_HEADER} bytes in all. */
  private static final class Header {
    private final String what;
    private final InputStream in;
    private int read;

    Header(String what, InputStream in) {
      this.what = what;
      this.in = in;
    }

    String line() throws IOException {
      StringBuilder sb = new StringBuilder();
      while (true) {
        int c = in.read();
        if (c < 0) {
          throw new ValidationException(
              what, "age header ends before its MAC line (" + read + " bytes)");
        }
        if (++read > MAX_HEADER) {
          throw new ValidationException(what, "age header is longer than " + MAX_HEADER + " bytes");
        }
        if (c == '\n') {
          return sb.toString();
        }
        sb.append((char) c);
      }
    }
  }
}
