package dev.walship.server.fs;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log lines of one session's file operations that an operator needs: denials (with user,
 * address, operation, path in the user's view, and reason), rejected uploads and abandoned ones.
 */
record Audit(String user, String address) {
  private static final Logger LOG = LoggerFactory.getLogger("dev.walship.server.audit");

  void denied(Op op, String path, String reason) {
    LOG.info("denied user={} address={} op={} path={}: {}", user, address, op, path, reason);
  }

  void rejected(String path, String reason) {
    LOG.warn("rejected upload user={} address={} path={}: {}", user, address, path, reason);
  }

  void abandoned(String path) {
    LOG.info("upload abandoned user={} address={} path={}: the client did not close it; the old file (if any) stays", user, address, path);
  }
}
