/** Durable local files: atomic replacement and fsync, as every on-disk state of walship needs them. */
package dev.walship.toolkit.files;
