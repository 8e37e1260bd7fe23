/**
 * How replication uses threads, so that a database costs no thread of its own: a bounded {@link
 * dev.walship.agent.work.Workers} pool runs every database's capture and every replica's shipping
 * as {@link dev.walship.agent.work.Job}s (serial, woken by events, otherwise due after a delay),
 * and one {@link dev.walship.agent.work.FileWatches} (one inotify instance, read on its one thread
 * through JNA) delivers the file events of every watched directory. An idle database is a pending
 * timer and a watch.
 */
package dev.walship.agent.work;
