package dev.walship.agent.sftp;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.apache.sshd.common.RuntimeSshException;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClient.Attributes;
import org.apache.sshd.sftp.client.SftpClient.CloseableHandle;
import org.apache.sshd.sftp.client.SftpClient.DirEntry;
import org.apache.sshd.sftp.client.SftpClient.OpenMode;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;

/**
 * SFTP requests the store builds on (mkdir -p, stat-or-null, list) and the translation of their
 * failures into operator messages. Remote paths here are the server's ({@code /db/generations/…}).
 */
final class RemoteFiles {
  private RemoteFiles() {}

  /** The attributes of {@code path} (not following a final symlink), or null when it is missing. */
  static Attributes lstatOrNull(SftpClient sftp, String path) throws IOException {
    try {
      return sftp.lstat(path);
    } catch (SftpException e) {
      if (e.getStatus() == SftpConstants.SSH_FX_NO_SUCH_FILE) {
        return null;
      }
      throw e;
    }
  }

  /** The entries of {@code dir} without {@code .} and {@code ..}; null when it does not exist. */
  static List<DirEntry> listOrNull(SftpClient sftp, String dir) throws IOException {
    CloseableHandle h;
    try {
      h = sftp.openDir(dir);
    } catch (SftpException e) {
      if (e.getStatus() == SftpConstants.SSH_FX_NO_SUCH_FILE) {
        return null;
      }
      throw e;
    }
    List<DirEntry> out = new ArrayList<>();
    try (h) {
      for (List<DirEntry> batch = sftp.readDir(h); batch != null; batch = sftp.readDir(h)) {
        for (DirEntry e : batch) {
          if (!e.getFilename().equals(".") && !e.getFilename().equals("..")) {
            out.add(e);
          }
        }
      }
    }
    return out;
  }

  /** Opens {@code path} for writing (created, truncated), creating missing parents first. */
  static CloseableHandle createForWrite(SftpClient sftp, String path) throws IOException {
    EnumSet<OpenMode> modes = EnumSet.of(OpenMode.Write, OpenMode.Create, OpenMode.Truncate);
    try {
      return sftp.open(path, modes);
    } catch (SftpException e) {
      if (e.getStatus() != SftpConstants.SSH_FX_NO_SUCH_FILE || parent(path) == null) {
        throw e;
      }
    }
    mkdirs(sftp, parent(path));
    return sftp.open(path, modes);
  }

  /** {@code mkdir -p}: creates {@code dir} and its missing parents; existing ones are fine. */
  static void mkdirs(SftpClient sftp, String dir) throws IOException {
    try {
      sftp.mkdir(dir);
      return;
    } catch (SftpException e) {
      if (isDirectory(sftp, dir)) {
        return; // OpenSSH answers EEXIST with a generic failure; another writer may have made it
      }
      String parent = parent(dir);
      if (e.getStatus() != SftpConstants.SSH_FX_NO_SUCH_FILE || parent == null) {
        throw e;
      }
      mkdirs(sftp, parent);
    }
    try {
      sftp.mkdir(dir);
    } catch (SftpException e) {
      if (!isDirectory(sftp, dir)) {
        throw e;
      }
    }
  }

  private static boolean isDirectory(SftpClient sftp, String dir) throws IOException {
    Attributes a = lstatOrNull(sftp, dir);
    return a != null && a.isDirectory();
  }

  /** The parent of a remote path, or null for a top-level name, {@code /} or {@code .}. */
  static String parent(String path) {
    int slash = path.lastIndexOf('/');
    if (slash < 0) {
      return null;
    }
    return slash == 0 ? (path.length() > 1 ? "/" : null) : path.substring(0, slash);
  }

  /**
   * True when {@code e} means the connection (not the server's answer) failed: then a reconnect may
   * help. Status replies ({@link SftpException}) and the store's own verdicts never are.
   */
  static boolean isConnectionFailure(Throwable e) {
    if (e instanceof SftpException
        || e instanceof SftpStoreException
        || e instanceof InterruptedIOException
        || e instanceof NoSuchFileException
        || e instanceof AccessDeniedException) {
      return false;
    }
    return e instanceof IOException || e instanceof RuntimeSshException;
  }

  /** The server's own words after the status code's text, in parentheses; else {@code fallback}. */
  private static String reason(SftpException e, String fallback) {
    String m = e.getMessage();
    int colon = m == null ? -1 : m.indexOf(": ");
    String said = colon < 0 ? null : m.substring(colon + 2).trim();
    return " (" + (said == null || said.isEmpty() ? fallback : said) + ")";
  }

  /**
   * An operator message for a status reply the server gave to {@code op} on {@code where} (the file
   * as an sftp URL), with the server's reason when it gave one.
   */
  static IOException failure(String where, String op, SftpException e) {
    return switch (e.getStatus()) {
      case SftpConstants.SSH_FX_NO_SUCH_FILE ->
          new NoSuchFileException(where, null, op + ": no such file or directory");
      case SftpConstants.SSH_FX_PERMISSION_DENIED ->
          new AccessDeniedException(
              where,
              null,
              op + ": permission denied by the server" + reason(e, "may this user write there?"));
      default ->
          new SftpStoreException(
              where + ": " + op + ": the server refused: " + e.getMessage(), false, e);
    };
  }
}
