package dev.walship.agent.config;

import dev.walship.agent.sftp.SftpTarget;
import dev.walship.toolkit.config.HostPort;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Reads replica URLs (see {@link ReplicaUrl} for the forms). An {@link IllegalArgumentException}'s
 * message says what is wrong, for the caller to place (config key and line, or command line).
 */
final class ReplicaUrlParser {
  /** Punctuation a URL path holds unescaped (RFC 3986 pchar and "/"), besides letters and digits. */
  private static final String FILE_PATH_CHARS = "-._~!$&'()*+,;=:@/";

  /** Punctuation Go's url package accepts in user info. */
  private static final String USERINFO_CHARS = "-._~!$&'()*+,;=:%@";

  private static final Pattern SCHEME = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*):");
  private static final Pattern LOOKS_LIKE_URL = Pattern.compile("\\w+://");

  private ReplicaUrlParser() {}

  static boolean isUrl(String s) {
    return LOOKS_LIKE_URL.matcher(s).lookingAt();
  }

  static ReplicaUrl parse(String url) {
    for (int i = 0; i < url.length(); i++) {
      char c = url.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        throw new IllegalArgumentException("contains a control character");
      }
    }
    var m = SCHEME.matcher(url);
    if (!m.lookingAt()) {
      throw new IllegalArgumentException(
          "needs a scheme (file:///path or sftp://user@host/path); a plain path goes under path:");
    }
    String rest = url.substring(m.end());
    return switch (m.group(1).toLowerCase(Locale.ROOT)) {
      case "file" -> file(rest);
      case "sftp" -> sftp(rest);
      case "s3" -> throw unsupported("s3://", "Amazon S3 and S3-compatible storage");
      case "gcs" -> throw unsupported("gcs://", "Google Cloud Storage");
      case "abs" -> throw unsupported("abs://", "Azure Blob Storage");
      default ->
          throw new IllegalArgumentException(
              "unknown replica URL scheme \""
                  + m.group(1)
                  + "\" (expected file:// or sftp://)");
    };
  }

  /** The Litestream replica types we refuse, with what they are, or null for any other type. */
  static String unsupportedType(String type) {
    return switch (type) {
      case "s3" -> "Amazon S3 and S3-compatible storage";
      case "gcs" -> "Google Cloud Storage";
      case "abs" -> "Azure Blob Storage";
      default -> null;
    };
  }

  private static ReplicaUrl.File file(String rest) {
    if (rest.isEmpty() || rest.equals("//")) {
      throw new IllegalArgumentException("file URL has no path (e.g. file:///var/backups/db)");
    }
    for (int i = 0; i < rest.length(); i++) {
      char c = rest.charAt(i);
      if (!isAsciiAlnum(c) && FILE_PATH_CHARS.indexOf(c) < 0) {
        throw new IllegalArgumentException(
            "character \""
                + c
                + "\" would need URL escaping, and Litestream would then use the escaped form"
                + " as the directory name; write the directory under path: instead");
      }
    }
    return new ReplicaUrl.File(Path.of(rest).normalize().toString());
  }

  private static ReplicaUrl.Sftp sftp(String rest) {
    int cut = indexOfAny(rest, "#?");
    String s = cut < 0 ? rest : rest.substring(0, cut);
    if (!s.startsWith("//")) {
      throw new IllegalArgumentException("is not sftp://user@host[:port]/path");
    }
    int slash = s.indexOf('/', 2);
    String authority = slash < 0 ? s.substring(2) : s.substring(2, slash);
    String path = slash < 0 ? "" : decode(s.substring(slash), "path");
    String user = null;
    String password = null;
    int at = authority.lastIndexOf('@');
    if (at >= 0) {
      String userinfo = authority.substring(0, at);
      checkUserinfo(userinfo);
      int colon = userinfo.indexOf(':');
      user = decode(colon < 0 ? userinfo : userinfo.substring(0, colon), "user");
      password = colon < 0 ? null : decode(userinfo.substring(colon + 1), "password");
      authority = authority.substring(at + 1);
    }
    if (authority.isEmpty()) {
      throw new IllegalArgumentException("has no host (expected sftp://user@host[:port]/path)");
    }
    HostPort hp = HostPort.parse(authority, SftpTarget.DEFAULT_PORT);
    return new ReplicaUrl.Sftp(
        hp.host(), hp.port(), emptyToNull(user), emptyToNull(password), path);
  }

  private static void checkUserinfo(String userinfo) {
    for (int i = 0; i < userinfo.length(); i++) {
      char c = userinfo.charAt(i);
      if (!isAsciiAlnum(c) && USERINFO_CHARS.indexOf(c) < 0) {
        throw new IllegalArgumentException(
            "user or password has the character \""
                + c
                + "\", which must be percent-encoded in a URL (e.g. %2F for /)");
      }
    }
  }

  /** Percent-decodes {@code s} to UTF-8 text, refusing broken escapes as Go's url package does. */
  private static String decode(String s, String what) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= s.length()
            || hex(s.charAt(i + 1)) < 0
            || hex(s.charAt(i + 2)) < 0) {
          throw new IllegalArgumentException(what + " has a broken %-escape (expected %XX)");
        }
        bytes.write(hex(s.charAt(i + 1)) * 16 + hex(s.charAt(i + 2)));
        i += 3;
      } else {
        int cp = s.codePointAt(i);
        bytes.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
        i += Character.charCount(cp);
      }
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(what + " does not decode to UTF-8 text");
    }
  }

  private static int hex(char c) {
    return c < 0x80 ? Character.digit(c, 16) : -1;
  }

  private static boolean isAsciiAlnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  private static int indexOfAny(String s, String chars) {
    for (int i = 0; i < s.length(); i++) {
      if (chars.indexOf(s.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  private static IllegalArgumentException unsupported(String scheme, String what) {
    return new IllegalArgumentException(
        scheme
            + " replicas ("
            + what
            + ") are not supported yet; walship replicates to file:// and sftp:// replicas");
  }
}
