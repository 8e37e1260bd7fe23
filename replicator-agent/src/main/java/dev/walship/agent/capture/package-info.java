/**
 * Capture: tails one database's WAL and copies every committed frame, within milliseconds of the
 * commit, into a shadow WAL in the database's meta directory; decides when continuity is lost and a
 * new generation starts; controls when the WAL may restart (DESIGN.md §3). Shippers see the result
 * only through {@link dev.walship.agent.capture.ShadowLog}.
 */
package dev.walship.agent.capture;
