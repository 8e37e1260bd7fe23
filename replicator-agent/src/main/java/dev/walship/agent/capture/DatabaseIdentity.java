package dev.walship.agent.capture;

import java.util.List;

/**
 * Which database file a generation was captured from, so that another file put in its place is
 * never taken for it: the file's identity (device and inode, as the file system reports it) and the
 * header fields an application sets once, when it creates the database (text encoding and
 * application id, read through SQLite). Kept per generation in the meta directory. A database that
 * no longer matches its captured history is caught up ({@link CatchUp}) only when its identity is
 * the generation's; a replaced file (a restore, {@code VACUUM INTO} plus a move, another database
 * copied over it) starts a new generation.
 *
 * @param file the file's identity, e.g. {@code (dev=fe00,ino=2155011)}
 * @param header the creation-time header fields, e.g. {@code encoding=UTF-8 application_id=0}
 */
record DatabaseIdentity(String file, String header) {

  /** Null when {@code this} (the database now) is the file {@code recorded} names, else why not. */
  String differsFrom(DatabaseIdentity recorded) {
    if (recorded == null) {
      return "no identity of the database file was recorded for this generation";
    }
    if (!file.equals(recorded.file)) {
      return "the database file was replaced by another file (file identity "
          + file
          + ", the generation's "
          + recorded.file
          + ")";
    }
    if (!header.equals(recorded.header)) {
      return "the database file was replaced by another database (header "
          + header
          + ", the generation's "
          + recorded.header
          + ")";
    }
    return null;
  }

  /** The two fields, one per line (the meta directory's format). */
  String text() {
    return file + "\n" + header + "\n";
  }

  /** Reads {@link #text()} back; null when it is not two lines. */
  static DatabaseIdentity parse(String text) {
    List<String> lines = text.lines().toList();
    if (lines.size() != 2 || lines.get(0).isBlank() || lines.get(1).isBlank()) {
      return null;
    }
    return new DatabaseIdentity(lines.get(0), lines.get(1));
  }
}
