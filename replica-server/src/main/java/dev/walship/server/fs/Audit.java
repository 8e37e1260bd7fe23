package dev.walship.server.fs;

import dev.walship.server.audit.AuditEvents;
import dev.walship.server.audit.LogText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit lines of one session's file operations, one line per event, every value escaped by
 * {@link LogText}: denials (operation, path in the user's view, reason), rejected and abandoned
 * uploads, and what changed: uploads (path, bytes), removals and renames.
 */
record Audit(String user, String address, AuditEvents events) {
  private static final Logger LOG = LoggerFactory.getLogger("dev.walship.server.audit");

  private String who() {
    return "user=" + LogText.field(user) + " address=" + LogText.field(address);
  }

  void denied(Op op, String path, String reason) {
    events.denied(user, op.toString());
    LOG.info("denied {} op={} path={}: {}", who(), op, LogText.field(path), LogText.text(reason));
  }

  void rejected(String path, String reason) {
    events.uploadRejected(user, "invalid");
    LOG.warn("rejected upload {} path={}: {}", who(), LogText.field(path), LogText.text(reason));
  }

  void abandoned(String path) {
    events.uploadRejected(user, "abandoned");
    LOG.info(
        "upload abandoned {} path={}: the client did not close it; the old file (if any) stays",
        who(),
        LogText.field(path));
  }

  void discarded(String path, String reason) {
    events.uploadRejected(
        user,
        reason.toLowerCase(java.util.Locale.ROOT).contains(StorageRefusal.NO_SPACE)
            ? "no-space"
            : reason.contains("quota") ? "quota" : "write-failed");
    LOG.info("upload discarded {} path={}: {}", who(), LogText.field(path), LogText.text(reason));
  }

  void uploaded(String path, long bytes) {
    events.uploaded(user, bytes);
    LOG.info("upload {} path={} bytes={}", who(), LogText.field(path), bytes);
  }

  void removed(Op op, String path) {
    LOG.info("{} {} path={}", op, who(), LogText.field(path));
  }

  void renamed(String from, String to) {
    LOG.info("rename {} path={} to={}", who(), LogText.field(from), LogText.field(to));
  }
}
