package dev.walship.server.fs;

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
 * {@link JailFileSystemProvider}. Built once at start: resolves every root to its real path and
 * creates missing writable directories (mode 0755), so a session never races the setup.
 */
public final class JailFileSystemFactory implements FileSystemFactory {
  private static final Logger LOG = LoggerFactory.getLogger(JailFileSystemFactory.class);

  private record Space(Jail jail, WritePolicy policy) {}

  private final Map<String, Space> spaces = new LinkedHashMap<>();
  private final ContentValidator validator;

  public JailFileSystemFactory(List<UserConfig> users, ContentValidator validator) throws IOException {
    this.validator = validator;
    for (UserConfig u : users) {
      Jail jail = new Jail(u.root().toRealPath());
      List<Path> writable = new ArrayList<>();
      for (String w : u.writable()) {
        Path dir = jail.root().resolve(w);
        if (!Files.exists(dir)) {
          Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
          LOG.info("user {}: created writable directory {}", u.name(), dir);
        }
        Path real = dir.toRealPath();
        if (!real.startsWith(jail.root()) || !Files.isDirectory(real)) {
          throw new IOException("user " + u.name() + ": writable " + w + " (" + real + ") is not a directory inside the root " + jail.root());
        }
        writable.add(real);
        sweep(u.name(), real);
      }
      spaces.put(u.name(), new Space(jail, new WritePolicy(jail, writable)));
    }
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
    Audit audit = new Audit(session.getUsername(), UserKeyAuthenticator.address(session.getRemoteAddress()));
    JailFileSystemProvider provider = new JailFileSystemProvider(space.jail(), space.policy(), validator, audit);
    return provider.newFileSystem(space.jail().root(), Map.of());
  }

  private Space space(SessionContext session) throws AccessDeniedException {
    Space space = spaces.get(session.getUsername());
    if (space == null) {
      throw new AccessDeniedException("no file system for user " + session.getUsername());
    }
    return space;
  }
}
