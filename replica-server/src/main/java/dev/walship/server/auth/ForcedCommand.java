package dev.walship.server.auth;

import java.util.List;

/**
 * A key's {@code command="…"} option. OpenSSH's sshd runs that command instead of whatever the
 * client asked for, so the key has an SFTP session only when the command is an SFTP server: {@code
 * internal-sftp}, or an {@code sftp-server} binary (same program, same flags). Its flags:
 *
 * <ul>
 *   <li>{@code -R}: read-only, as sftp-server's {@code -R} (every write is "Permission denied");
 *   <li>{@code -e}, {@code -f FACILITY}, {@code -l LEVEL}: logging only; accepted, no effect
 *       (replica-server writes its own log and audit lines);
 *   <li>any other flag ({@code -d}, {@code -P}, {@code -p}, {@code -u}, {@code -Q}, {@code -h}, …)
 *       restricts or changes the session in a way this server does not reproduce.
 * </ul>
 *
 * Such a flag, any argument that is not a flag, and any other command make the key refused: this
 * server never gives a key more than its administrator allowed.
 */
final class ForcedCommand {
  private static final String LOGGING_FLAGS_WITH_VALUE = "fl";

  private ForcedCommand() {}

  /**
   * What {@code command} leaves the key.
   *
   * @throws IllegalArgumentException saying why the key cannot have an SFTP session
   */
  static SftpAccess access(String command) {
    List<String> words = List.of(command.strip().split("\\s+"));
    String program = words.get(0);
    if (!program.equals("internal-sftp")
        && !program.equals("sftp-server")
        && !program.endsWith("/sftp-server")) {
      throw new IllegalArgumentException(
          "command=\"" + command + "\" is not internal-sftp: this key gets no SFTP session");
    }
    SftpAccess access = SftpAccess.READ_WRITE;
    for (int i = 1; i < words.size(); i++) {
      String w = words.get(i);
      if (w.length() < 2 || w.charAt(0) != '-' || w.indexOf('"') >= 0 || w.indexOf('\\') >= 0) {
        throw unsupported(command, "argument '" + w + "'");
      }
      for (int k = 1; k < w.length(); k++) {
        char flag = w.charAt(k);
        if (flag == 'R') {
          access = SftpAccess.READ_ONLY;
        } else if (LOGGING_FLAGS_WITH_VALUE.indexOf(flag) >= 0) {
          if (k == w.length() - 1 && ++i >= words.size()) {
            throw unsupported(command, "flag -" + flag + " without its value");
          }
          break;
        } else if (flag != 'e') {
          throw unsupported(command, "flag -" + flag);
        }
      }
    }
    return access;
  }

  private static IllegalArgumentException unsupported(String command, String what) {
    return new IllegalArgumentException(
        "command=\""
            + command
            + "\": "
            + what
            + " is not supported by replica-server (only -R, -e, -f, -l): this key is refused");
  }
}
