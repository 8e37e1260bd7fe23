/**
 * Capture: tails one database's WAL and copies every committed frame, within milliseconds of the
 * commit, into a shadow WAL in the database's meta directory; decides when continuity is lost and a
 * new generation starts, or catches the history up with the pages that changed while it did not see
 * the WAL; controls when the WAL may restart (docs/design.md §4). Shippers see the result only
 * through {@link dev.walship.agent.capture.ShadowLog}; the public entry is {@link
 * dev.walship.agent.capture.DatabaseCapture} (with {@link
 * dev.walship.agent.capture.CaptureSettings} and {@link dev.walship.agent.capture.CaptureStatus});
 * everything else is package-private.
 *
 * <p>Meta directory (default {@code .<db>-replicator/} beside the database):
 *
 * <pre>
 * lock                                 fcntl lock: one capture per directory
 * generation                           the current generation's name (atomic replace)
 * generations/&lt;gen&gt;/wal/&lt;%08x&gt;.wal    shadow WAL of one index: the bytes of one WAL cycle,
 *                                      header to a commit frame, uncompressed (as Litestream's
 *                                      .&lt;db&gt;-litestream/generations/&lt;gen&gt;/wal/&lt;%08x&gt;.wal)
 * generations/&lt;gen&gt;/image              page image: a hash of every database page at a
 *                                      position of the history (atomic replace)
 * generations/&lt;gen&gt;/database           the database file's identity (device, inode, header)
 * replicas/&lt;name&gt;                       last (generation, index) a replica reported shipped
 * </pre>
 *
 * <p>Who does what: {@link dev.walship.agent.capture.Engine} (the capture thread's state machine
 * and its invariants), {@link dev.walship.agent.capture.History} (copying frames into indices, the
 * image, generations), {@link dev.walship.agent.capture.ReadMark} (capture's read transaction and
 * how it moves), {@link dev.walship.agent.capture.LockSteps} (the write-lock moments: anchor and
 * WAL restart, scheduled by {@link dev.walship.agent.capture.RestartSchedule}), {@link
 * dev.walship.agent.capture.Continuity} (the proof that a restart lost nothing), {@link
 * dev.walship.agent.capture.Repair} (acting on its verdict: continue, catch up, or begin a new
 * generation), {@link dev.walship.agent.capture.CatchUp} (the page difference when the database
 * moved on), {@link dev.walship.agent.capture.LocalState} (reading the meta directory back after a
 * stop or crash). {@code SqliteWalBehaviourTest} checks every SQLite behaviour these rely on.
 */
package dev.walship.agent.capture;
