package dev.walship.server.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class WritePolicyTest {
  static final Path ROOT = Path.of("/srv/data/alice");
  static final String GEN = "generations/0123456789abcdef";
  final WritePolicy policy =
      new WritePolicy(new Jail(ROOT), List.of(ROOT.resolve("db"), ROOT.resolve("b/c")));

  private static Path p(String rel) {
    return ROOT.resolve(rel);
  }

  @Test
  void onlyStrictlyInsideWritableDirectories() {
    assertNull(policy.openForWrite(p("db/x")));
    assertNull(policy.openForWrite(p("b/c/d/e")));
    assertEquals("outside the writable directories (/db, /b/c)", policy.openForWrite(p("x")));
    assertEquals("outside the writable directories (/db, /b/c)", policy.openForWrite(p("b/x")));
    assertEquals(
        "outside the writable directories (/db, /b/c)",
        policy.modify(p("db")),
        "never the directory itself");
    assertEquals("outside the writable directories (/db, /b/c)", policy.createDirectory(p("dbx")));
    assertNull(policy.modify(p("db/x")));
  }

  @Test
  void underGenerationsOnlyLayoutPaths() {
    assertNull(policy.createDirectory(p("db/generations")));
    assertNull(policy.createDirectory(p("db/" + GEN)));
    assertNull(policy.createDirectory(p("db/" + GEN + "/wal")));
    assertNull(policy.openForWrite(p("db/" + GEN + "/wal/00000000_00000000.wal.lz4")));
    assertNull(policy.openForWrite(p("db/" + GEN + "/snapshots/00000001.snapshot.lz4")));
    assertNull(policy.openForWrite(p("db/" + GEN + "/snapshots/00000001.snapshot.lz4.tmp")));
    assertNull(policy.openForWrite(p("db/junk.txt")), "outside generations anything goes");

    assertTrue(
        policy
            .createDirectory(p("db/generations/xyz"))
            .startsWith("not a path of the replica layout: "));
    assertTrue(
        policy
            .openForWrite(p("db/" + GEN + "/wal/00000000_0000000A.wal.lz4"))
            .contains("uppercase"));
    assertEquals(
        "a directory of the replica layout cannot be a file", policy.openForWrite(p("db/" + GEN)));
    assertEquals(
        "a file name of the replica layout cannot be a directory",
        policy.createDirectory(p("db/" + GEN + "/snapshots/00000001.snapshot.lz4")));
    assertTrue(
        policy
            .openForWrite(p("db/generations/junk.txt"))
            .startsWith("not a path of the replica layout"));
  }

  @Test
  void renames() {
    assertNull(policy.move(p("db/a"), p("db/b"), false));
    assertNull(
        policy.move(
            p("db/" + GEN + "/wal/x.tmp"),
            p("db/" + GEN + "/wal/00000000_00000000.wal.lz4"),
            false));
    assertEquals(
        "outside the writable directories (/db, /b/c)", policy.move(p("db/a"), p("x"), false));
    assertEquals(
        "outside the writable directories (/db, /b/c)", policy.move(p("ro/a"), p("db/a"), false));
    assertTrue(
        policy
            .move(p("db/a"), p("db/generations/a"), false)
            .startsWith("not a path of the replica layout"));
    assertEquals(
        "a directory cannot be moved into a replica tree (under 'generations')",
        policy.move(p("db/junkdir"), p("db/generations"), true));
    assertNull(policy.move(p("db/" + GEN), p("db/old"), true), "moving a tree out is fine");
  }
}
