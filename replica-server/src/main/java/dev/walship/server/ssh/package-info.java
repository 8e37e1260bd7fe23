/**
 * The SSH server around the SFTP subsystem, with every MINA factory set explicitly ({@link
 * dev.walship.server.ssh.SshServerAssembly}): AES-GCM only, public-key authentication only, one
 * ed25519 host key, no version in the identification, session channels that accept nothing but
 * the {@code sftp} subsystem ({@link dev.walship.server.ssh.SftpOnlyChannelSession}), no port,
 * agent or X11 forwarding; plus the login/logout log ({@link dev.walship.server.ssh.SessionLog}).
 */
package dev.walship.server.ssh;
