package dev.walship.agent.config;

import dev.walship.agent.s3.S3Keys;
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
  /**
   * Punctuation a URL path holds unescaped (RFC 3986 pchar and "/"), besides letters and digits.
   */
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
          "needs a scheme (file:///path, sftp://user@host/path or s3://bucket/path); a plain path goes under path:");
    }
    String rest = url.substring(m.end());
    return switch (m.group(1).toLowerCase(Locale.ROOT)) {
      case "file" -> file(rest);
      case "sftp" -> sftp(rest);
      case "s3" -> s3(rest);
      case "gcs", "abs" ->
          throw new IllegalArgumentException(unsupportedType(m.group(1).toLowerCase(Locale.ROOT)));
      default ->
          throw new IllegalArgumentException(
              "unknown replica URL scheme \""
                  + m.group(1)
                  + "\" (expected file://, sftp:// or s3://)");
    };
  }

  /**
   * Why Litestream's replica type {@code type} is refused and what to use instead, in one line;
   * null for any other type.
   */
  static String unsupportedType(String type) {
    return switch (type) {
      case "gcs" ->
          "gcs replicas (Google Cloud Storage) are not supported: use GCS's S3-compatible API"
              + " (type: s3, endpoint: https://storage.googleapis.com, HMAC keys as access-key-id and"
              + " secret-access-key) or an sftp replica";
      case "abs" ->
          "abs replicas (Azure Blob Storage) are not supported: use Azure Blob Storage's SFTP"
              + " endpoint (an sftp replica) or an S3-compatible store (type: s3)";
      default -> null;
    };
  }

  /** {@code url} with the password of its user info, if any, replaced by {@code ***}. */
  static String withoutPassword(String url) {
    int scheme = url.indexOf("://");
    if (scheme < 0) {
      return url;
    }
    int end = indexOfAny(url.substring(scheme + 3), "/?#");
    String authority =
        end < 0 ? url.substring(scheme + 3) : url.substring(scheme + 3, scheme + 3 + end);
    int at = authority.lastIndexOf('@');
    int colon = authority.indexOf(':');
    if (at < 0 || colon < 0 || colon > at) {
      return url;
    }
    return url.substring(0, scheme + 3)
        + authority.substring(0, colon)
        + ":***"
        + url.substring(scheme + 3 + at);
  }

  private static ReplicaUrl.S3 s3(String rest) {
    int cut = indexOfAny(rest, "#?");
    String s = cut < 0 ? rest : rest.substring(0, cut);
    if (!s.startsWith("//")) {
      throw new IllegalArgumentException("is not s3://bucket/path");
    }
    int slash = s.indexOf('/', 2);
    String host = slash < 0 ? s.substring(2) : s.substring(2, slash);
    if (host.indexOf('@') >= 0) {
      throw new IllegalArgumentException(
          "an s3 URL carries no user or keys: set access-key-id and"
              + " secret-access-key, or $LITESTREAM_ACCESS_KEY_ID and $LITESTREAM_SECRET_ACCESS_KEY");
    }
    if (host.isEmpty()) {
      throw new IllegalArgumentException("has no bucket (expected s3://bucket/path)");
    }
    String path = slash < 0 ? "" : decode(s.substring(slash), "path");
    String clean = S3Keys.clean(path);
    clean = clean.startsWith("/") ? clean.substring(1) : clean;
    return new ReplicaUrl.S3(host, clean.equals(".") ? "" : clean);
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
        if (i + 2 >= s.length() || hex(s.charAt(i + 1)) < 0 || hex(s.charAt(i + 2)) < 0) {
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
}
