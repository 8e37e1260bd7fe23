/**
 * What a logged-in user can see and change on disk.
 *
 * <p>{@link dev.walship.server.fs.JailFileSystemFactory} gives each SFTP session its own file system
 * view whose {@code /} is the user's root. Every operation on it goes through {@link
 * dev.walship.server.fs.JailFileSystemProvider}, the one choke point: it maps the path into the
 * root ({@link dev.walship.server.fs.Jail}: no {@code ..}, absolute path or symbolic link leads
 * out), applies the {@link dev.walship.server.fs.WritePolicy} (writes only strictly inside the
 * writable directories; under {@code generations/} only names of the replica layout), hides the
 * server's own temporary files, masks group/world write bits, and logs every denial. {@link
 * dev.walship.server.fs.ReplicaSftpAccessor} adds what is SFTP-specific: uploads to a final layout
 * name go through a hidden temporary file that replaces the final name only when the client closes
 * it and its content validates.
 */
package dev.walship.server.fs;
