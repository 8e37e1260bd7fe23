package dev.walship.server.sftp;

import dev.walship.format.validate.ValidationException;
import dev.walship.server.fs.PolicyDeniedException;
import dev.walship.server.fs.StorageRefusal;
import org.apache.sshd.sftp.common.SftpHelper;
import org.apache.sshd.sftp.server.SftpErrorStatusDataHandler;
import org.apache.sshd.sftp.server.SftpSubsystemEnvironment;

/**
 * What the client reads in an SSH_FXP_STATUS: the standard text of the status code, plus the reason
 * for refusals, handles refused at a limit, rejected uploads and storage refusals (a full disk, a
 * quota; all written in the user's view of paths). Other exception messages are never sent: they
 * may name host paths.
 */
final class ClientErrorMessages implements SftpErrorStatusDataHandler {
  @Override
  public String resolveErrorMessage(
      SftpSubsystemEnvironment sftpSubsystem,
      int id,
      Throwable e,
      int subStatus,
      int cmd,
      Object... args) {
    String standard = SftpHelper.resolveStatusMessage(subStatus);
    if (e instanceof PolicyDeniedException d) {
      return standard + ": " + d.getFile() + ": " + d.getReason();
    }
    if (e instanceof HandleLimits.Refusal r) {
      return standard + ": " + r.getMessage();
    }
    if (e instanceof StorageRefusal r) {
      return standard + ": " + r.getMessage();
    }
    if (e instanceof ValidationException v) {
      return "Upload rejected: " + v.getMessage();
    }
    return standard;
  }
}
