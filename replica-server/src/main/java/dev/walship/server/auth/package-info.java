/**
 * Who may log in and who the server is: the server's ed25519 host key ({@link
 * dev.walship.server.auth.HostKey}: created once, loaded at start, never regenerated), each user's
 * OpenSSH authorized-keys file ({@link dev.walship.server.auth.AuthorizedKeysFile}, re-read when it
 * changes, with {@code from=} honoured by {@link dev.walship.server.auth.FromPatterns} against the
 * address as OpenSSH prints it ({@link dev.walship.server.auth.Addresses}) and {@code command=} by
 * {@code ForcedCommand}), and the public-key authenticator that joins them ({@link
 * dev.walship.server.auth.UserKeyAuthenticator}), which records on each session what it logged in
 * with (user settings, {@link dev.walship.server.auth.SftpAccess}).
 */
package dev.walship.server.auth;
