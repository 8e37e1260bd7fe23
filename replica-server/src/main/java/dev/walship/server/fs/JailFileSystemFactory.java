package dev.walship.server.fs;

import dev.walship.server.auth.SftpAccess;
import dev.walship.server.auth.UserKeyAuthenticator;
import dev.walship.server.config.UserConfig;
import dev.walship.server.content.ContentValidator;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.sshd.common.file.FileSystemFactory;
import org.apache.sshd.common.session.SessionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives each SFTP session a file system whose {@code /} is its user's root, served by a fresh
 * {@link JailFileSystemProvider}. Built once at start: resolves every root to its real path,
 * creates missing writable directories (mode 0755) and removes what a crash left, so a session
 * never races the setup. {@link #users} does the same at a reload, except the removal (uploads in
 * flight are hidden files too).
 *
 * <p>A session gets the user configuration it logged in with ({@link UserKeyAuthenticator#USER}),
 * also on a channel it opens after a reload changed or removed the user; a session whose key was
 * limited to {@code internal-sftp -R} gets no writable directory at all.
 */
public final class JailFileSystemFactory implements FileSystemFactory {
  private static final Logger LOG = LoggerFactory.getLogger(JailFileSystemFactory.class);

  private record Space(UserConfig user, Jail jail, List<Path> writable, WritePolicy policy) {}

  private volatile Map<String, Space> spaces;
  private final ContentValidator validator;

  public JailFileSystemFactory(List<UserConfig> users, ContentValidator validator) throws IOException {
    this.validator = validator;
    this.spaces = prepare(users);
    for (Space space : spaces.values()) {
      for (Path w : space.writable()) {
        sweep(space.user().name(), w);
      }
    }
  }

  /**
   * The users of later logins: creates their missing writable directories and removes nothing.
   *
   * @throws IOException when a root or writable directory is unusable; nothing changes then
   */
  public void users(List<UserConfig> next) throws IOException {
    spaces = prepare(next);
  }

  private static Map<String, Space> prepare(List<UserConfig> users) throws IOException {
    Map<String, Space> map = new LinkedHashMap<>();
    for (UserConfig u : users) {
      Path root = u.root().toRealPath();
      for (String w : u.writable()) {
        Path dir = root.resolve(w);
        if (!Files.exists(dir)) {
          Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
          LOG.info("user {}: created writable directory {}", u.name(), dir);
        }
      }
      map.put(u.name(), space(u));
    }
    return Map.copyOf(map);
  }

  /** The jail and write policy of {@code u}, on real paths; creates nothing. */
  private static Space space(UserConfig u) throws IOException {
    Jail jail = new Jail(u.root().toRealPath());
    List<Path> writable = new ArrayList<>();
    for (String w : u.writable()) {
      Path real = jail.root().resolve(w).toRealPath();
      if (!real.startsWith(jail.root()) || !Files.isDirectory(real)) {
        throw new IOException("user " + u.name() + ": writable " + w + " (" + real + ") is not a directory inside the root " + jail.root());
      }
      writable.add(real);
    }
    return new Space(u, jail, List.copyOf(writable), new WritePolicy(jail, writable));
  }

  /** Removes hidden upload files a crash left behind (a clean stop leaves none). */
  private static void sweep(String user, Path dir) throws IOException {
    List<Path> stale;
    try (Stream<Path> files = Files.walk(dir)) {
      stale = files.filter(p -> HiddenNames.isHidden(p.getFileName().toString())).toList();
    }
    for (Path p : stale) {
      Files.deleteIfExists(p);
    }
    if (!stale.isEmpty()) {
      LOG.info("user {}: removed {} unfinished upload(s) left by an earlier run under {}", user, stale.size(), dir);
    }
  }

  @Override
  public Path getUserHomeDir(SessionContext session) throws IOException {
    return space(session).jail().root();
  }

  @Override
  public FileSystem createFileSystem(SessionContext session) throws IOException {
    Space space = space(session);
    WritePolicy policy = session.getAttribute(UserKeyAuthenticator.ACCESS) == SftpAccess.READ_ONLY
        ? new WritePolicy(space.jail(), List.of()) : space.policy();
    Audit audit = new Audit(session.getUsername(), UserKeyAuthenticator.address(session.getRemoteAddress()));
    JailFileSystemProvider provider = new JailFileSystemProvider(space.jail(), policy, validator, audit);
    return provider.newFileSystem(space.jail().root(), Map.of());
  }

  /** The space of the user configuration the session logged in with. */
  private Space space(SessionContext session) throws IOException {
    UserConfig login = session.getAttribute(UserKeyAuthenticator.USER);
    Space current = spaces.get(session.getUsername());
    if (login == null) {
      throw new AccessDeniedException("no file system for user " + session.getUsername() + ": not logged in");
    }
    return current != null && current.user().equals(login) ? current : space(login);
  }
}
