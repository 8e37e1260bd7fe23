package dev.walship.server.ssh;

import dev.walship.server.audit.AuditEvents;
import dev.walship.server.auth.UserKeyAuthenticator;
import dev.walship.server.config.Limits;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.channel.RequestHandler;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.cipher.Cipher;
import org.apache.sshd.common.compression.BuiltinCompressions;
import org.apache.sshd.common.compression.Compression;
import org.apache.sshd.common.file.FileSystemFactory;
import org.apache.sshd.common.global.KeepAliveHandler;
import org.apache.sshd.common.io.nio2.Nio2ServiceFactoryFactory;
import org.apache.sshd.common.kex.BuiltinDHFactories;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.mac.BuiltinMacs;
import org.apache.sshd.common.mac.Mac;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.signature.BuiltinSignatures;
import org.apache.sshd.common.signature.Signature;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.ServerBuilder;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.channel.ChannelSessionFactory;
import org.apache.sshd.server.forward.RejectAllForwardingFilter;
import org.apache.sshd.server.global.NoMoreSessionsHandler;
import org.apache.sshd.server.session.ServerUserAuthServiceFactory;
import org.apache.sshd.server.subsystem.SubsystemFactory;
import org.apache.sshd.sftp.SftpModuleProperties;

/**
 * Builds the MINA {@link SshServer} with every factory and property set here, nothing left to
 * MINA's defaults (which serve the whole disk, accept any password and offer shells).
 *
 * <p>Ciphers: AES-GCM only. OpenSSH's client picks the first of its own list that the server
 * offers, and its list starts with chacha20-poly1305 (pure Java in MINA, about half the speed) then
 * AES-CTR with a MAC; offering only GCM is what makes MINA as fast as OpenSSH here (see {@code
 * scripts/bench/sftp-throughput}). Every client that matters (OpenSSH, Go's x/crypto/ssh as in
 * Litestream v0.3.13, MINA) speaks it. Transport sizes follow the measurements: 256 KiB socket
 * reads, 4 MiB socket buffers, no Nagle, SFTP reads up to 261120 bytes, packets at MINA's default
 * (never 256 KiB: OpenSSH's client then sends packets MINA rejects).
 *
 * <p>Limits ({@link Limits}, changeable at a reload through {@link ReplicaSshServer#limits}):
 * {@link Admission} turns away connections past the unauthenticated caps before they become
 * sessions, {@link AdmittingSessionFactory} times the login grace from acceptance, {@link
 * ChannelLimits} refuses channels past the per-connection cap, MINA's MAX_CONCURRENT_SESSIONS caps
 * each user's connections, and {@link DisconnectLog} logs when a limit ends a connection.
 */
public final class SshServerAssembly {
  /** What the server sends after {@code SSH-2.0-}: a name, no version. */
  public static final String IDENTIFICATION = "replica-server";

  /**
   * SSH_MSG_USERAUTH_REQUESTs MINA allows per connection after the first: a backstop only; the
   * limit that matters is {@link UserKeyAuthenticator#MAX_FAILURES} refused keys (each key costs at
   * most a query and a signed request).
   */
  static final int MAX_AUTH_REQUESTS = 2 * UserKeyAuthenticator.MAX_FAILURES + 1;

  /** The listening socket's accept queue (the kernel caps it at net.core.somaxconn). */
  static final int SOCKET_BACKLOG = 1024;

  private SshServerAssembly() {}

  /** The parts the assembly joins. */
  public record Parts(
      KeyPairProvider hostKeys,
      PublickeyAuthenticator authenticator,
      FileSystemFactory fileSystems,
      SubsystemFactory sftp,
      Limits limits,
      Clock clock,
      AuditEvents events) {}

  public static ReplicaSshServer build(String host, int port, Parts parts) {
    ReplicaSshServer sshd =
        (ReplicaSshServer)
            algorithms(ServerBuilder.builder())
                .factory(ReplicaSshServer::new)
                .channelFactories(channels())
                .globalRequestHandlers(
                    List.<RequestHandler<ConnectionService>>of(
                        KeepAliveHandler.INSTANCE,
                        NoMoreSessionsHandler.INSTANCE,
                        RefusedForwarding.remoteRequests()))
                .forwardingFilter(RejectAllForwardingFilter.INSTANCE)
                .fileSystemFactory(parts.fileSystems())
                .publickeyAuthenticator(parts.authenticator())
                .interactiveAuthenticator(null)
                .build();
    sshd.setIoServiceFactoryFactory(new Nio2ServiceFactoryFactory());
    sshd.setHost(host);
    sshd.setPort(port);
    sshd.setKeyPairProvider(parts.hostKeys());
    sshd.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
    sshd.setPasswordAuthenticator(null);
    sshd.setKeyboardInteractiveAuthenticator(null);
    sshd.setHostBasedAuthenticator(null);
    sshd.setGSSAuthenticator(null);
    sshd.setShellFactory(null);
    sshd.setCommandFactory(null);
    sshd.setAgentFactory(null);
    sshd.setSubsystemFactories(List.of(parts.sftp()));
    sshd.setServiceFactories(
        List.of(
            ServerUserAuthServiceFactory.INSTANCE,
            new ChannelLimits(() -> sshd.limits().channelsPerConnection())));
    Admission admission = new Admission(sshd::limits, parts.clock());
    sshd.setSessionFactory(new AdmittingSessionFactory(sshd, admission));
    sshd.addSessionListener(admission);
    sshd.setSessionDisconnectHandler(new DisconnectLog());
    sshd.addSessionListener(new SessionLog(parts.clock(), parts.events()));
    properties(sshd);
    sshd.limits(parts.limits());
    return sshd;
  }

  /** Ciphers, MACs, key exchanges, signatures and compression: the only ones offered. */
  private static ServerBuilder algorithms(ServerBuilder b) {
    return b.cipherFactories(
            List.<NamedFactory<Cipher>>of(BuiltinCiphers.aes128gcm, BuiltinCiphers.aes256gcm))
        .macFactories(
            List.<NamedFactory<Mac>>of(BuiltinMacs.hmacsha256etm, BuiltinMacs.hmacsha512etm))
        .keyExchangeFactories(
            NamedFactory.setUpTransformedFactories(
                false,
                List.of(
                    BuiltinDHFactories.mlkem768x25519, BuiltinDHFactories.sntrup761x25519,
                    BuiltinDHFactories.sntrup761x25519_openssh, BuiltinDHFactories.curve25519,
                    BuiltinDHFactories.curve25519_libssh, BuiltinDHFactories.ecdhp256,
                    BuiltinDHFactories.ecdhp384, BuiltinDHFactories.ecdhp521),
                ServerBuilder.DH2KEX))
        .signatureFactories(
            List.<NamedFactory<Signature>>of(
                BuiltinSignatures.ed25519,
                BuiltinSignatures.nistp256,
                BuiltinSignatures.nistp384,
                BuiltinSignatures.nistp521,
                BuiltinSignatures.rsaSHA512,
                BuiltinSignatures.rsaSHA256))
        .compressionFactories(List.<NamedFactory<Compression>>of(BuiltinCompressions.none));
  }

  private static List<ChannelFactory> channels() {
    List<ChannelFactory> channels = new ArrayList<>();
    channels.add(
        new ChannelSessionFactory() {
          @Override
          public ChannelSession createChannel(Session session) {
            return new SftpOnlyChannelSession();
          }
        });
    channels.addAll(RefusedForwarding.localChannels());
    return channels;
  }

  /** Length of the random SFTP handles the server issues. */
  static final int SFTP_HANDLE_BYTES = 16;

  /**
   * The properties that do not depend on the limits (see {@link ReplicaSshServer#limits(Limits)}).
   */
  private static void properties(SshServer sshd) {
    CoreModuleProperties.SERVER_IDENTIFICATION.set(sshd, IDENTIFICATION);
    CoreModuleProperties.MAX_AUTH_REQUESTS.set(sshd, MAX_AUTH_REQUESTS);
    // Refused connections are closed right after accept, so a flood drains the queue quickly;
    // a deep queue keeps other clients' SYNs from being dropped (and retried a second later).
    CoreModuleProperties.SOCKET_BACKLOG.set(sshd, SOCKET_BACKLOG);
    CoreModuleProperties.NIO2_READ_BUFFER_SIZE.set(sshd, 256 * 1024);
    CoreModuleProperties.SOCKET_SNDBUF.set(sshd, 4 * 1024 * 1024);
    CoreModuleProperties.SOCKET_RCVBUF.set(sshd, 4 * 1024 * 1024);
    CoreModuleProperties.TCP_NODELAY.set(sshd, true);
    SftpModuleProperties.SFTP_VERSION.set(sshd, 3);
    SftpModuleProperties.MAX_READDATA_PACKET_LENGTH.set(sshd, 261120);
    SftpModuleProperties.MAX_WRITEDATA_PACKET_LENGTH.set(sshd, 261120);
    // MINA's default 4-byte handles are a counter whose closed values are handed out again, so a
    // handle a client just closed names the next file it opens; with many files in flight over one
    // shared connection that is a wrong-file hazard. 16 random bytes (checked against the open
    // ones) are never reused in practice.
    SftpModuleProperties.FILE_HANDLE_SIZE.set(sshd, SFTP_HANDLE_BYTES);
    SftpModuleProperties.MAX_FILE_HANDLE_RAND_ROUNDS.set(
        sshd, SftpModuleProperties.DEFAULT_FILE_HANDLE_ROUNDS);
  }
}
