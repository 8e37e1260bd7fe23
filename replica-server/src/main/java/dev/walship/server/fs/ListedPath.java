package dev.walship.server.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.sshd.common.file.root.RootedFileSystem;
import org.apache.sshd.common.file.root.RootedPath;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.fs.WithFileAttributes;
import org.apache.sshd.sftp.common.SftpConstants;

/**
 * A directory entry as a listing returns it: the path in the user's view with the attributes read
 * (without following links) when the listing reached it. MINA's SSH_FXP_READDIR uses attached
 * attributes instead of reading them again, so an entry renamed or removed between the directory
 * read and the attribute read cannot fail the whole listing: the listing skips it instead.
 */
final class ListedPath extends RootedPath implements WithFileAttributes {
  private static final int S_IFMT = 0170000;

  private final transient SftpClient.Attributes attributes;

  private ListedPath(
      RootedFileSystem fs, String root, List<String> names, SftpClient.Attributes attributes) {
    super(fs, root, names);
    this.attributes = attributes;
  }

  /** {@code view} (an absolute path of the view) with the attributes of host entry {@code host}. */
  static ListedPath of(RootedPath view, Path host) throws IOException {
    Map<String, Object> a =
        Files.readAttributes(
            host,
            "unix:mode,uid,gid,size,lastModifiedTime,lastAccessTime",
            LinkOption.NOFOLLOW_LINKS);
    int mode = (Integer) a.get("mode");
    SftpClient.Attributes attrs =
        new SftpClient.Attributes()
            .size((Long) a.get("size"))
            .owner((Integer) a.get("uid"), (Integer) a.get("gid"))
            .perms(mode)
            .accessTime((FileTime) a.get("lastAccessTime"))
            .modifyTime((FileTime) a.get("lastModifiedTime"));
    attrs.setType(
        switch (mode & S_IFMT) {
          case 0040000 -> SftpConstants.SSH_FILEXFER_TYPE_DIRECTORY;
          case 0100000 -> SftpConstants.SSH_FILEXFER_TYPE_REGULAR;
          case 0120000 -> SftpConstants.SSH_FILEXFER_TYPE_SYMLINK;
          default -> SftpConstants.SSH_FILEXFER_TYPE_SPECIAL;
        });
    List<String> names = new ArrayList<>();
    view.forEach(n -> names.add(n.toString()));
    return new ListedPath(view.getFileSystem(), view.isAbsolute() ? "/" : null, names, attrs);
  }

  @Override
  public SftpClient.Attributes getAttributes() {
    return attributes;
  }

  @Override
  public boolean equals(Object obj) {
    return super.equals(obj);
  }

  @Override
  public int hashCode() {
    return super.hashCode();
  }
}
