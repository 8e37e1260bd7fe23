package dev.walship.server.fs;

/** A kind of file-system operation, as the audit log names it (one word each). */
enum Op {
  READ("read"),
  WRITE("write"),
  MKDIR("mkdir"),
  RMDIR("rmdir"),
  REMOVE("remove"),
  RENAME("rename"),
  SETSTAT("setstat"),
  LINK("link"),
  COPY("copy");

  private final String label;

  Op(String label) {
    this.label = label;
  }

  @Override
  public String toString() {
    return label;
  }
}
