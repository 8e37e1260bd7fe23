package dev.walship.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.testing.Proc;
import dev.walship.testing.TestTools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReplicaUrlParserTest {
  private static String problem(String url) {
    return assertThrows(IllegalArgumentException.class, () -> ReplicaUrlParser.parse(url))
        .getMessage();
  }

  /** Litestream: the rest after "file:", path.Clean'ed, then expanded like any path. */
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "file:///backups/db, /backups/db",
    "file:///backups/db/, /backups/db",
    "file:///a/./b/../c, /a/c",
    "file://backups/db, /backups/db",
    "file:relative/db, relative/db",
    "file:~/db, ~/db",
    "file:~/../db, db",
    "FILE:///x, /x",
    "file:///a:b@c=d+e, /a:b@c=d+e",
    "file:/x, /x",
  })
  void fileUrls(String url, String path) {
    assertEquals(new ReplicaUrl.File(path), ReplicaUrlParser.parse(url));
  }

  /** The real Litestream lists a replica's generations at the directory we read from the URL. */
  @Test
  void fileUrlsPointWhereLitestreamLooks(@TempDir Path dir) throws IOException {
    Path replica = dir.resolve("replica");
    Path snapshots = replica.resolve("generations/0123456789abcdef/snapshots");
    Files.createDirectories(snapshots);
    Files.createFile(snapshots.resolve("00000000.snapshot.lz4"));
    String abs = replica.toString();
    for (String url :
        new String[] {
          "file://" + abs, "file:/" + abs, "file://" + abs + "/./x/../", "file:///" + abs
        }) {
      Proc.Result r =
          Proc.run(
              Duration.ofSeconds(60),
              dir,
              Map.of(),
              null,
              TestTools.litestream().toString(),
              "generations",
              url);
      assertTrue(
          r.stdout().contains("0123456789abcdef"), url + ": Litestream found no generation\n" + r);
      assertEquals(replica, Path.of(((ReplicaUrl.File) ReplicaUrlParser.parse(url)).path()), url);
    }
    Proc.Result elsewhere =
        Proc.run(
            Duration.ofSeconds(60),
            dir,
            Map.of(),
            null,
            TestTools.litestream().toString(),
            "generations",
            "file://" + dir.resolve("elsewhere"));
    assertFalse(elsewhere.stdout().contains("0123456789abcdef"), elsewhere.toString());
  }

  @Test
  void fileUrlsWhosePathLitestreamWouldEscapeAreRefused() {
    for (String url :
        new String[] {
          "file:///my backups", "file:///caf\u00e9", "file:///a%20b", "file:///a?b", "file:///a#b"
        }) {
      assertTrue(problem(url).contains("write the directory under path: instead"), url);
    }
    assertEquals("file URL has no path (e.g. file:///var/backups/db)", problem("file:"));
    assertEquals("file URL has no path (e.g. file:///var/backups/db)", problem("file://"));
  }

  @Test
  void sftpUrlEveryPart() {
    assertEquals(
        new ReplicaUrl.Sftp("alpha.example", 2222, "backup", "s3cr3t", "/replicas/db"),
        ReplicaUrlParser.parse("sftp://backup:s3cr3t@alpha.example:2222/replicas/db"));
  }

  @Test
  void sftpUrlDefaultsAndOptionalParts() {
    assertEquals(
        new ReplicaUrl.Sftp("alpha", 22, "u", null, "/db"),
        ReplicaUrlParser.parse("sftp://u@alpha/db"));
    assertEquals(
        new ReplicaUrl.Sftp("alpha", 22, null, null, "/db"),
        ReplicaUrlParser.parse("sftp://alpha/db"));
    assertEquals(
        new ReplicaUrl.Sftp("alpha", 22, "u", null, ""), ReplicaUrlParser.parse("sftp://u@alpha"));
    assertEquals(
        new ReplicaUrl.Sftp("alpha", 22, "u", null, "/"),
        ReplicaUrlParser.parse("sftp://u@alpha/"));
    assertEquals(
        new ReplicaUrl.Sftp("alpha", 22, "u", null, "/db"),
        ReplicaUrlParser.parse("SFTP://u@alpha/db?x=1#top"));
    ReplicaUrl.Sftp noPassword = (ReplicaUrl.Sftp) ReplicaUrlParser.parse("sftp://u:@alpha/db");
    assertNull(noPassword.password());
  }

  @Test
  void sftpUrlPercentDecodingAsGo() {
    assertEquals(
        new ReplicaUrl.Sftp("alpha", 22, "us er", "p@ss:w/rd", "/caf\u00e9 db/x+y"),
        ReplicaUrlParser.parse("sftp://us%20er:p%40ss:w%2Frd@alpha/caf%C3%A9%20db/x+y"));
    assertEquals(
        new ReplicaUrl.Sftp("alpha", 22, "u", "p@ss", "/db"),
        ReplicaUrlParser.parse("sftp://u:p@ss@alpha/db"));
    assertEquals("path has a broken %-escape (expected %XX)", problem("sftp://u@alpha/a%zz"));
    assertEquals("path has a broken %-escape (expected %XX)", problem("sftp://u@alpha/a%2"));
    assertEquals("password does not decode to UTF-8 text", problem("sftp://u:%ff@alpha/a"));
    assertEquals(
        "user or password has the character \" \", which must be percent-encoded in a URL (e.g. %2F for /)",
        problem("sftp://u:a b@alpha/a"));
  }

  @Test
  void sftpUrlHosts() {
    assertEquals(
        new ReplicaUrl.Sftp("::1", 2222, "u", null, "/db"),
        ReplicaUrlParser.parse("sftp://u@[::1]:2222/db"));
    assertEquals(
        new ReplicaUrl.Sftp("10.1.2.3", 22, "u", null, "/db"),
        ReplicaUrlParser.parse("sftp://u@10.1.2.3/db"));
    assertEquals("has no host (expected sftp://user@host[:port]/path)", problem("sftp://u@/db"));
    assertEquals("has no host (expected sftp://user@host[:port]/path)", problem("sftp:///db"));
    assertEquals("is not sftp://user@host[:port]/path", problem("sftp:alpha/db"));
    assertEquals("\"alpha:0\": port 0 is outside 1..65535", problem("sftp://u@alpha:0/db"));
  }

  @Test
  void unsupportedAndUnknownSchemes() {
    assertEquals(ReplicaUrlParser.unsupportedType("gcs"), problem("gcs://bucket/db"));
    assertEquals(ReplicaUrlParser.unsupportedType("abs"), problem("abs://acct@bucket/db"));
    assertEquals(ReplicaUrlParser.unsupportedType("gcs"), problem("GCS://bucket/db"));
    assertEquals(
        "unknown replica URL scheme \"gs\" (expected file://, sftp:// or s3://)",
        problem("gs://bucket/db"));
    assertEquals(
        "unknown replica URL scheme \"http\" (expected file://, sftp:// or s3://)",
        problem("http://x/db"));
    assertEquals(
        "needs a scheme (file:///path, sftp://user@host/path or s3://bucket/path); a plain path goes under path:",
        problem("/backups/db"));
    assertEquals("contains a control character", problem("sftp://u@h/a\tb"));
  }

  @Test
  void gcsAndAzureAreRefusedInOneLineNamingWhatToUseInstead() {
    String gcs = ReplicaUrlParser.unsupportedType("gcs");
    assertTrue(gcs.startsWith("gcs replicas (Google Cloud Storage) are not supported: use "), gcs);
    assertTrue(gcs.contains("type: s3, endpoint: https://storage.googleapis.com"), gcs);
    String abs = ReplicaUrlParser.unsupportedType("abs");
    assertTrue(abs.startsWith("abs replicas (Azure Blob Storage) are not supported: use "), abs);
    assertTrue(abs.contains("SFTP endpoint (an sftp replica)"), abs);
    assertFalse(gcs.contains("\n") || abs.contains("\n"));
    assertNull(ReplicaUrlParser.unsupportedType("s3"));
    assertNull(ReplicaUrlParser.unsupportedType("ftp"));
  }

  @Test
  void s3UrlsAsLitestreamReadsThem() {
    assertEquals(new ReplicaUrl.S3("bucket", "db"), ReplicaUrlParser.parse("s3://bucket/db"));
    assertEquals(
        new ReplicaUrl.S3("bucket", "a/b"),
        ReplicaUrlParser.parse("S3://bucket//a/./x/../b/?versionId=1#f"));
    assertEquals(new ReplicaUrl.S3("bucket", ""), ReplicaUrlParser.parse("s3://bucket"));
    assertEquals(new ReplicaUrl.S3("bucket", ""), ReplicaUrlParser.parse("s3://bucket/"));
    assertEquals(
        new ReplicaUrl.S3("b.localhost:9000", "my db"),
        ReplicaUrlParser.parse("s3://b.localhost:9000/my%20db"));
    assertEquals("has no bucket (expected s3://bucket/path)", problem("s3:///db"));
    assertEquals("is not s3://bucket/path", problem("s3:bucket/db"));
    assertTrue(
        problem("s3://KEY:SECRET@bucket/db").startsWith("an s3 URL carries no user or keys"));
  }

  @Test
  void passwordsAreNeverShown() {
    assertEquals("sftp://u:***@h:22/x", ReplicaUrlParser.withoutPassword("sftp://u:pw@h:22/x"));
    assertEquals(
        "s3://AKIA:***@b/x?y", ReplicaUrlParser.withoutPassword("s3://AKIA:se:cr@et@b/x?y"));
    assertEquals("sftp://u@h/x:y", ReplicaUrlParser.withoutPassword("sftp://u@h/x:y"));
    assertEquals("file:///a:b@c", ReplicaUrlParser.withoutPassword("file:///a:b@c"));
  }
}
