/**
 * What a logged-in user can see and change on disk.
 *
 * <p>{@link dev.walship.server.fs.JailFileSystemFactory} gives each SFTP session its own file
 * system view whose {@code /} is the user's root, over the state all of that user's sessions share
 * ({@link dev.walship.server.fs.UserSpace}: quota usage, staging directories, the immutability
 * rule, one lock). Every operation goes through {@link
 * dev.walship.server.fs.JailFileSystemProvider}, the one choke point: it maps the path into the
 * root ({@link dev.walship.server.fs.Jail}: no {@code ..}, absolute path or symbolic link leads
 * out), applies the {@link dev.walship.server.fs.WritePolicy} (writes only strictly inside the
 * writable directories; under {@code generations/} only names of the replica layout) and the {@link
 * dev.walship.server.fs.Immutability} rule ({@code immutable-for}), hides the server's own files,
 * masks modes ({@link dev.walship.server.fs.Modes}), and audits every denial and change. {@link
 * dev.walship.server.fs.ReplicaSftpAccessor} adds what is SFTP-specific: every handle open for
 * writing is a staged upload ({@link dev.walship.server.fs.Staging}) into a private file, guarded
 * for quota and a full disk ({@link dev.walship.server.fs.GuardedChannel}), published by the {@link
 * dev.walship.server.fs.Publisher} (validated when it is a snapshot or segment) only when the
 * client closes it; listings carry attributes read once ({@link dev.walship.server.fs.ListedPath}).
 */
package dev.walship.server.fs;
