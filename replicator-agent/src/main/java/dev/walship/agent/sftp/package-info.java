/**
 * The SFTP replica store: one verified SSH connection per replica, host-key policy, client keys,
 * reconnects. Never reads {@code ~/.ssh/config} or {@code ~/.ssh/id_*}.
 */
package dev.walship.agent.sftp;
