/**
 * The SFTP subsystem as replica-server offers it: protocol version 3 only; of the extensions, only
 * {@code posix-rename}, {@code statvfs}, {@code fsync}, {@code lsetstat} and {@code limits} (all
 * {@code @openssh.com}), and the announcement {@code publish-on-close@walship.dev} (uploads are
 * staged and published at CLOSE; see {@link dev.walship.format.store.PublishOnClose}); no hard
 * links, no server-side copies, no hashing; no product version in the VERSION reply; listings show
 * the session's user, never the host's owner and group names; error messages never carry host
 * paths.
 */
package dev.walship.server.sftp;
