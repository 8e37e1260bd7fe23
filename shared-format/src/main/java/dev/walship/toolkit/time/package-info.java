/**
 * Time as walship reads it, injected so tests control it: {@link dev.walship.toolkit.time.Ticker}
 * (monotonic nanoseconds for intervals and deadlines), {@link dev.walship.toolkit.time.Sleeper}
 * (waiting), and {@link dev.walship.toolkit.time.Backoff} (the one retry schedule: exponential with
 * equal jitter). Wall-clock time is a {@link java.time.InstantSource} or {@link java.time.Clock}.
 */
package dev.walship.toolkit.time;
