/**
 * Who may log in and who the server is: the server's ed25519 host key ({@link
 * dev.walship.server.auth.HostKey}: created once, loaded at start, never regenerated), each user's
 * OpenSSH authorized-keys file ({@link dev.walship.server.auth.AuthorizedKeysFile}, re-read when it
 * changes, with {@code from=} honoured by {@link dev.walship.server.auth.FromPatterns}), and the
 * public-key authenticator that joins them ({@link dev.walship.server.auth.UserKeyAuthenticator}).
 */
package dev.walship.server.auth;
