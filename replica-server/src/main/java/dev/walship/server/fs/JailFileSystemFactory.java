package dev.walship.server.fs;

import dev.walship.server.audit.AuditEvents;
import dev.walship.server.auth.SftpAccess;
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
import java.util.random.RandomGenerator;
import org.apache.sshd.common.file.FileSystemFactory;
import org.apache.sshd.common.session.SessionContext;

/**
 * Gives each SFTP session a file system whose {@code /} is its user's root, served by a fresh
 * {@link JailFileSystemProvider} over the {@link UserSpace} all of that user's sessions share.
 * Built once at start: resolves every root, creates missing writable directories, sweeps what a
 * crash left and counts each user's usage, so a session never races the setup. {@link #users} does
 * the same at a reload, except the sweep (uploads in flight are hidden files too); a user whose
 * root and writable directories did not change keeps its usage count and lock.
 *
 * <p>A session gets the user configuration it logged in with ({@link UserKeyAuthenticator#USER}),
 * also on a channel it opens after a reload changed or removed the user; a session whose key was
 * limited to {@code internal-sftp -R} gets no writable directory at all.
 */
public final class JailFileSystemFactory implements FileSystemFactory {
  private final ContentValidator validator;
  private final Clock clock;
  private final AuditEvents events;
  private final DiskSpace disk = new DiskSpace();
  private final RandomGenerator random = new SecureRandom();
  private volatile Map<String, UserSpace> spaces;

  /**
   * @param clock the time {@code immutable-for} is measured against
   */
  public JailFileSystemFactory(List<UserConfig> users, ContentValidator validator, Clock clock)
      throws IOException {
    this(users, validator, clock, AuditEvents.NONE);
  }

  /**
   * @param events told of every audited file event (metrics)
   */
  public JailFileSystemFactory(
      List<UserConfig> users, ContentValidator validator, Clock clock, AuditEvents events)
      throws IOException {
    this.validator = validator;
    this.clock = clock;
    this.events = events;
    this.spaces = prepare(users, Map.of(), true);
  }

  /**
   * The users of later logins: creates their missing writable directories and removes nothing.
   *
   * @throws IOException when a root or writable directory is unusable; nothing changes then
   */
  public void users(List<UserConfig> next) throws IOException {
    spaces = prepare(next, spaces, false);
  }

  private Map<String, UserSpace> prepare(
      List<UserConfig> users, Map<String, UserSpace> before, boolean sweep) throws IOException {
    Map<String, UserSpace> map = new LinkedHashMap<>();
    for (UserConfig u : users) {
      UserSpace old = before.get(u.name());
      map.put(
          u.name(),
          old != null && old.sameTree(u)
              ? old.with(u)
              : UserSpace.open(u, clock, disk, random, sweep));
    }
    return Map.copyOf(map);
  }

  @Override
  public Path getUserHomeDir(SessionContext session) throws IOException {
    return space(session).jail.root();
  }

  @Override
  public FileSystem createFileSystem(SessionContext session) throws IOException {
    UserSpace space = space(session);
    if (session.getAttribute(UserKeyAuthenticator.ACCESS) == SftpAccess.READ_ONLY) {
      space = space.readOnly();
    }
    Audit audit =
        new Audit(
            session.getUsername(),
            UserKeyAuthenticator.address(session.getRemoteAddress()),
            events);
    JailFileSystemProvider provider = new JailFileSystemProvider(space, validator, audit);
    return provider.newFileSystem(space.jail.root(), Map.of());
  }

  /** The space of the user configuration the session logged in with. */
  private UserSpace space(SessionContext session) throws IOException {
    UserConfig login = session.getAttribute(UserKeyAuthenticator.USER);
    if (login == null) {
      throw new AccessDeniedException(
          "no file system for user " + session.getUsername() + ": not logged in");
    }
    UserSpace current = spaces.get(session.getUsername());
    if (current != null && current.config.equals(login)) {
      return current;
    }
    return current != null && current.sameTree(login)
        ? current.with(login)
        : UserSpace.open(login, clock, disk, random, false);
  }
}
