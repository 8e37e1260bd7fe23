package dev.walship.format.wal;

/**
 * A summary of a WAL read to its end or its first invalid frame.
 *
 * @param header the WAL header
 * @param validFrames frames that verified, committed or not
 * @param lastCommitFrame 1-based number of the last commit frame, 0 when none
 * @param committedEnd offset just past the last commit frame ({@link WalHeader#SIZE} when none):
 *     the part of the WAL a reader may ship
 * @param databasePages database size in pages after the last commit, 0 when none
 * @param committedChecksum the cumulative checksum at {@code committedEnd}
 * @param stop why reading ended
 * @param stopDetail the same, in words
 */
public record WalScan(
    WalHeader header,
    long validFrames,
    long lastCommitFrame,
    long committedEnd,
    int databasePages,
    WalChecksum committedChecksum,
    WalReader.Stop stop,
    String stopDetail) {}
