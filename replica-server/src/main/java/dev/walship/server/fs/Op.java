package dev.walship.server.fs;

/** A kind of file-system operation, as the denial log names it. */
enum Op {
  READ("read"),
  WRITE("open for write"),
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
