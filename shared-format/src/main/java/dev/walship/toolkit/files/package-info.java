/**
 * Durable local files: atomic replacement and fsync, as every on-disk state of walship needs them;
 * and {@link dev.walship.toolkit.files.KeepOpen}, the stream views that let an encoder or decoder
 * finish without closing the stream its caller still owns.
 */
package dev.walship.toolkit.files;
