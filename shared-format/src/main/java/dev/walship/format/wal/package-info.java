/**
 * SQLite's write-ahead log, as the file format defines it: the 32-byte header, frames of a 24-byte
 * header plus one page, and the cumulative checksum in either byte order. {@link
 * dev.walship.format.wal.WalReader} walks a WAL the way SQLite's recovery does: it stops at the
 * first frame whose salts or checksum fail or that is cut short, and reports the last commit frame,
 * the end of what the application committed.
 */
package dev.walship.format.wal;
