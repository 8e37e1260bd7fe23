package dev.walship.agent.s3;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLException;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Turns what the AWS SDK throws into one line for the operator: where ({@code s3://bucket/path/…}),
 * what was being done, what went wrong in words, and what to check. The SDK's own messages are
 * never passed on whole (some echo request details); whatever is passed on has the replica's keys
 * removed, so credentials never reach a log, an error or a command's output.
 */
final class S3Errors {
  private final S3Target target;
  private final List<String> secrets = new ArrayList<>();

  S3Errors(S3Target target) {
    this.target = target;
    S3Credentials c = target.credentials();
    for (String s : new String[] {c.accessKeyId(), c.secretAccessKey(), c.sessionToken()}) {
      if (s != null && !s.isEmpty()) {
        secrets.add(s);
      }
    }
  }

  /** The exception to throw for {@code e}, raised while doing {@code op} on {@code where}. */
  IOException translate(String where, String op, SdkException e) {
    if (e instanceof AwsServiceException s) {
      if (s.statusCode() == 404 && "NoSuchKey".equals(code(s))) {
        return new NoSuchFileException(where);
      }
      return new S3StoreException(redact(where + ": " + op + ": " + service(s)));
    }
    if (e instanceof AbortedException) {
      InterruptedIOException io = new InterruptedIOException(where + ": " + op + ": interrupted");
      io.initCause(e);
      return io;
    }
    return new S3StoreException(redact(where + ": " + op + ": " + client(e)));
  }

  /** An S3 error answer, in words. */
  private String service(AwsServiceException s) {
    String code = code(s);
    String creds = "credentials from " + target.credentials().source();
    String said = code + (message(s).isEmpty() ? "" : ": " + message(s));
    return switch (code) {
      case "InvalidAccessKeyId" ->
          "the server does not know the access key (" + creds + "; " + code + ")";
      case "SignatureDoesNotMatch" ->
          "the secret access key does not match the access key (" + creds + "; " + code + ")";
      case "AccessDenied", "AllAccessDisabled" ->
          "access denied to bucket \"" + target.bucket() + "\" (" + creds + "; " + said + ")";
      case "NoSuchBucket" ->
          "bucket \""
              + target.bucket()
              + "\" does not exist at "
              + target.server()
              + " (create it, or fix bucket:)";
      case "AuthorizationHeaderMalformed",
          "PermanentRedirect",
          "IllegalLocationConstraintException" ->
          "the bucket is in another region than "
              + (target.region() == null ? "the one found" : target.region())
              + " (set region:; "
              + said
              + ")";
      default ->
          s.statusCode() >= 500
              ? "server error " + s.statusCode() + " " + said + " (retried; giving up for now)"
              : "refused: HTTP " + s.statusCode() + " " + said;
    };
  }

  /** A failure before an answer: connection, TLS, credentials, timeouts. */
  private String client(SdkException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConnectException) {
        return "cannot connect to " + target.server() + " (" + text(t) + ")";
      }
      if (t instanceof UnknownHostException) {
        return "unknown host " + text(t) + " (check endpoint: or the bucket's region)";
      }
      if (t instanceof SSLException) {
        return "TLS with "
            + target.server()
            + " failed: "
            + text(t)
            + (target.skipVerify() ? "" : " (skip-verify: true accepts a self-signed certificate)");
      }
      if (t instanceof SocketTimeoutException) {
        return "no answer from " + target.server() + " in time (" + text(t) + ")";
      }
    }
    String m = text(e);
    if (m.contains("Unable to load credentials")) {
      return "no S3 credentials: set access-key-id and secret-access-key (or $LITESTREAM_ACCESS_KEY_ID and"
          + " $LITESTREAM_SECRET_ACCESS_KEY), or give the host an AWS profile or role";
    }
    return m;
  }

  private static String code(AwsServiceException s) {
    AwsErrorDetails d = s.awsErrorDetails();
    String code = d == null ? null : d.errorCode();
    return code == null || code.isEmpty() ? "HTTP" + s.statusCode() : code;
  }

  private static String message(AwsServiceException s) {
    AwsErrorDetails d = s.awsErrorDetails();
    String m = d == null ? null : d.errorMessage();
    return m == null ? "" : m.strip();
  }

  private static String text(Throwable t) {
    String m = t.getMessage();
    return m == null || m.isBlank()
        ? t.getClass().getSimpleName()
        : m.lines().findFirst().orElse("").strip();
  }

  /** {@code s} without any of the replica's keys. */
  String redact(String s) {
    String out = s;
    for (String secret : secrets) {
      out = out.replace(secret, "(hidden)");
    }
    return out;
  }
}
