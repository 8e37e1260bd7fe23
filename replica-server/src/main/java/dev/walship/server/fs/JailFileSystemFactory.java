package dev.walship.server.fs;

import dev.walship.server.auth.UserKeyAuthenticator;
import dev.walship.server.config.UserConfig;
import dev.walship.server.content.ContentValidator;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.sshd.common.file.FileSystemFactory;
import org.apache.sshd.common.session.SessionContext;

/**
 * Gives each SFTP session a file system whose {@code /} is its user's root, served by a fresh
 * {@link JailFileSystemProvider} over the {@link UserSpace} all of that user's sessions share.
 * Built once at start: resolves every root, creates missing writable directories, sweeps what a
 * crash left and counts each user's usage, so a session never races the setup.
 */
public final class JailFileSystemFactory implements FileSystemFactory {
  private final Map<String, UserSpace> spaces = new LinkedHashMap<>();
  private final ContentValidator validator;

  /** @param clock the time {@code immutable-for} is measured against */
  public JailFileSystemFactory(List<UserConfig> users, ContentValidator validator, Clock clock) throws IOException {
    this.validator = validator;
    DiskSpace disk = new DiskSpace();
    SecureRandom random = new SecureRandom();
    for (UserConfig u : users) {
      spaces.put(u.name(), UserSpace.open(u, clock, disk, random));
    }
  }

  @Override
  public Path getUserHomeDir(SessionContext session) throws IOException {
    return space(session).jail.root();
  }

  @Override
  public FileSystem createFileSystem(SessionContext session) throws IOException {
    UserSpace space = space(session);
    Audit audit = new Audit(session.getUsername(), UserKeyAuthenticator.address(session.getRemoteAddress()));
    JailFileSystemProvider provider = new JailFileSystemProvider(space, validator, audit);
    return provider.newFileSystem(space.jail.root(), Map.of());
  }

  private UserSpace space(SessionContext session) throws AccessDeniedException {
    UserSpace space = spaces.get(session.getUsername());
    if (space == null) {
      throw new AccessDeniedException("no file system for user " + session.getUsername());
    }
    return space;
  }
}
