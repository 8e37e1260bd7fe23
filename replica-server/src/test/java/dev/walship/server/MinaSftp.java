package dev.walship.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Duration;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.digest.BuiltinDigests;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.sftp.client.RawSftpClient;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.apache.sshd.sftp.common.SftpConstants;

/**
 * MINA's SFTP client, for tests that need control the OpenSSH CLI does not give: keeping a handle
 * open, dropping a connection mid-upload, sending extensions the CLI never sends. It pins the
 * server's host key fingerprint.
 */
public final class MinaSftp implements AutoCloseable {
  private final SshClient client;
  public final ClientSession session;
  public final SftpClient sftp;

  private MinaSftp(SshClient client, ClientSession session, SftpClient sftp) {
    this.client = client;
    this.session = session;
    this.sftp = sftp;
  }

  public static MinaSftp connect(ServerFixture f) {
    return connect(
        f.server.port(), ServerFixture.USER, f.key.privateKey(), f.server.hostKeyFingerprint());
  }

  public static MinaSftp connect(int port, String user, Path identity, String hostKeyFingerprint) {
    return connect("127.0.0.1", port, user, identity, hostKeyFingerprint);
  }

  /** Connects to {@code host} (an address literal, e.g. {@code ::1}). */
  public static MinaSftp connect(
      String host, int port, String user, Path identity, String hostKeyFingerprint) {
    SshClient client = SshClient.setUpDefaultClient();
    client.setServerKeyVerifier(
        (s, addr, key) ->
            KeyUtils.getFingerPrint(BuiltinDigests.sha256, key).equals(hostKeyFingerprint));
    client.start();
    try {
      ClientSession session =
          client.connect(user, host, port).verify(Duration.ofSeconds(20)).getSession();
      try (InputStream in = Files.newInputStream(identity)) {
        for (KeyPair kp :
            SecurityUtils.loadKeyPairIdentities(
                session,
                NamedResource.ofName(identity.toString()),
                in,
                FilePasswordProvider.EMPTY)) {
          session.addPublicKeyIdentity(kp);
        }
      }
      session.auth().verify(Duration.ofSeconds(20));
      return new MinaSftp(client, session, SftpClientFactory.instance().createSftpClient(session));
    } catch (IOException | GeneralSecurityException e) {
      client.stop();
      throw new IllegalStateException("cannot connect to " + host + " port " + port + ": " + e, e);
    }
  }

  /**
   * Sends extended request {@code name} with string arguments, as a client that ignores what the
   * server announced would; returns the SSH_FXP_STATUS code, or -1 for any other reply.
   */
  public int extended(String name, String... args) throws IOException {
    Buffer request = new ByteArrayBuffer();
    request.putString(name);
    for (String a : args) {
      request.putString(a);
    }
    Buffer reply = extendedReply(request);
    return reply == null ? -1 : reply.getInt();
  }

  /** A status reply: its code and message. */
  public record Status(int code, String message) {}

  /**
   * Sends {@code put-file@walship.dev} for {@code path}: {@code content} with the mtime (and atime)
   * {@code mtimeSeconds}, announcing {@code declared} bytes of content (its length, unless a test
   * lies). Returns the status reply; a reply of any other type fails.
   */
  public Status putFile(String path, long mtimeSeconds, byte[] content, int declared)
      throws IOException {
    Buffer request = new ByteArrayBuffer();
    request.putString("put-file@walship.dev");
    request.putString(path);
    request.putInt(SftpConstants.SSH_FILEXFER_ATTR_ACMODTIME);
    request.putInt(mtimeSeconds);
    request.putInt(mtimeSeconds);
    request.putInt(declared);
    request.putRawBytes(content);
    Buffer reply = extendedReply(request);
    if (reply == null) {
      throw new IllegalStateException("put-file answered with something else than a status");
    }
    return new Status(reply.getInt(), reply.getString());
  }

  /**
   * Sends an extended request and returns its reply positioned at the status code, or null when the
   * reply is not SSH_FXP_STATUS.
   */
  private Buffer extendedReply(Buffer request) throws IOException {
    RawSftpClient raw = (RawSftpClient) sftp;
    Buffer reply =
        raw.receive(raw.send(SftpConstants.SSH_FXP_EXTENDED, request), Duration.ofSeconds(20));
    reply.getInt();
    int type = reply.getUByte();
    reply.getInt();
    return type == SftpConstants.SSH_FXP_STATUS ? reply : null;
  }

  /** Cuts the connection at once, without closing any handle: a dropped connection. */
  public void drop() {
    session.close(true);
    client.stop();
  }

  @Override
  public void close() {
    try {
      sftp.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      session.close(true);
      client.stop();
    }
  }
}
