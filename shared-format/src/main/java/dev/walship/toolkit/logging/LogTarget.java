package dev.walship.toolkit.logging;

/** Where log records go. */
public enum LogTarget {
  STDOUT,
  STDERR
}
