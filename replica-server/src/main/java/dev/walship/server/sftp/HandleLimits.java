package dev.walship.server.sftp;

import dev.walship.server.config.Limits;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.common.Property;
import org.apache.sshd.common.PropertyResolver;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;

/**
 * The open-handle limits: {@code limits.open-handles} per SFTP session (MINA keeps that count;
 * {@link ReplicaSftpSubsystem} checks it first so that the refusal names the setting, where MINA's
 * own says the disk is full) and {@code limits.open-handles-per-user} across all sessions of a
 * user, counted here.
 *
 * <p>Invariant: a user's count is the sum, over that user's SFTP sessions, of the handles each
 * session has {@linkplain Account#add reported}; a session reports after every request it handled
 * and gives back all it reported when its handles are closed at its end. A handle opened by a
 * request still being handled is not reported yet, so a user may briefly hold one handle more than
 * the limit per session being served at that moment (a session handles one request at a time).
 */
public final class HandleLimits {
  /**
   * {@code limits.open-handles-per-user}, set with the server's other limits; read at each open, so
   * a reload applies to sessions already open.
   */
  public static final Property<Integer> PER_USER =
      Property.integer("walship-open-handles-per-user", Limits.DEFAULTS.openHandlesPerUser());

  private final ConcurrentHashMap<String, Account> users = new ConcurrentHashMap<>();

  /** The open-handle count of {@code user}, shared by all its sessions. */
  Account account(String user) {
    return users.computeIfAbsent(user, Account::new);
  }

  /** The per-user limit in force for {@code session}. */
  static int perUser(PropertyResolver session) {
    return PER_USER.getRequired(session);
  }

  /** One user's reported open handles. */
  static final class Account {
    private final String user;
    private final AtomicInteger open = new AtomicInteger();

    private Account(String user) {
      this.user = user;
    }

    String user() {
      return user;
    }

    int open() {
      return open.get();
    }

    void add(int delta) {
      open.addAndGet(delta);
    }
  }

  /**
   * A handle refused at a limit: SSH_FX_FAILURE with a message naming the limit and its setting
   * (sent to the client, see {@link ClientErrorMessages}).
   */
  static final class Refusal extends SftpException {
    private static final long serialVersionUID = 1L;

    private Refusal(String message) {
      super(SftpConstants.SSH_FX_FAILURE, message);
    }

    static Refusal perSession(int open, int limit) {
      return new Refusal(
          "too many open handles: "
              + open
              + " open in this SFTP session, at most "
              + limit
              + " (replica-server's limits.open-handles); close some first");
    }

    static Refusal perUser(String user, int open, int limit) {
      return new Refusal(
          "too many open handles: "
              + open
              + " open in all SFTP sessions of user "
              + user
              + ", at most "
              + limit
              + " (replica-server's limits.open-handles-per-user); close some first");
    }
  }
}
