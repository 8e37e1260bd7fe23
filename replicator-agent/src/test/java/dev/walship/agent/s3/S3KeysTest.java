package dev.walship.agent.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Keys as Litestream v0.3.13 builds them with Go's path.Join. */
class S3KeysTest {
  @Test
  void goPathClean() {
    assertEquals(".", S3Keys.clean(""));
    assertEquals("a/b", S3Keys.clean("a//b/"));
    assertEquals("/a", S3Keys.clean("/a/b/.."));
    assertEquals("/", S3Keys.clean("/../.."));
    assertEquals("../x", S3Keys.clean("../x"));
    assertEquals("b", S3Keys.clean("./a/../b"));
  }

  @Test
  void keysAndListingPrefixes() {
    S3Keys top = new S3Keys("");
    assertEquals("generations/g/wal/x", top.key("generations/g/wal/x"));
    assertEquals("generations/", top.prefix("generations"));
    assertEquals("", top.prefix(""));
    S3Keys db = new S3Keys("backups//app/");
    assertEquals("backups/app/generations/g", db.key("generations/g"));
    assertEquals("backups/app/generations/", db.prefix("generations"));
    assertEquals("backups/app/", db.prefix(""));
    S3Keys rooted = new S3Keys("/db");
    assertEquals(
        "/db/generations/g",
        rooted.key("generations/g"),
        "path: /db keeps its slash, as Litestream's keys do");
    assertEquals("generations/g", new S3Keys(".").key("generations/g"));
  }

  @Test
  void locationsShowBucketAndPathOnly() {
    S3Credentials c = S3Credentials.of("AKIA", "secret", null, "test");
    assertEquals("s3://b/x/y", new S3Target("b", "x//y/", null, null, false, false, c).location());
    assertEquals("s3://b", new S3Target("b", "", null, null, false, false, c).location());
    assertEquals("s3://b/db", new S3Target("b", "/db", null, null, false, false, c).location());
    assertEquals(
        "s3://b/x (AWS S3, credentials from test)",
        new S3Target("b", "x", null, null, false, false, c).toString());
    assertEquals("S3Credentials[from test]", c.toString());
  }
}
