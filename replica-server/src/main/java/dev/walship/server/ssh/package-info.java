/**
 * The SSH server around the SFTP subsystem, with every MINA factory set explicitly ({@link
 * dev.walship.server.ssh.SshServerAssembly}): AES-GCM only, public-key authentication only, one
 * ed25519 host key, no version in the identification, session channels that accept nothing but the
 * {@code sftp} subsystem ({@link dev.walship.server.ssh.SftpOnlyChannelSession}), no port, agent or
 * X11 forwarding; plus the login/logout log ({@link dev.walship.server.ssh.SessionLog}). It
 * enforces the connection limits of {@link dev.walship.server.config.Limits}, changeable while it
 * runs ({@link dev.walship.server.ssh.ReplicaSshServer#limits}): connections not logged in yet, per
 * address and in all, turned away before they cost a session ({@code Admission}); the login grace;
 * channels per connection ({@code ChannelLimits}); connections per user.
 */
package dev.walship.server.ssh;
