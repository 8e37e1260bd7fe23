/**
 * The SFTP replica store: {@link dev.walship.agent.sftp.SftpReplicaStore} over one verified SSH
 * connection per replica (Apache MINA SSHD client, NIO2, AES-GCM first), shared by every thread,
 * re-established with backoff; atomic streamed uploads, downloads that resume after a dropped
 * connection. It owns the host-key policy ({@code host-key}, {@code known-hosts}, {@code
 * ~/.ssh/known_hosts} only when neither is set) and the client identity ({@code key-path}, {@code
 * key-passphrase}, {@code password}); it never reads {@code ~/.ssh/config} or {@code ~/.ssh/id_*}.
 * {@link dev.walship.agent.sftp.SftpTarget} is its input, built by the config.
 */
package dev.walship.agent.sftp;
