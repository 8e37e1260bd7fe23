package dev.walship.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.walship.agent.sftp.SftpTarget;
import dev.walship.toolkit.config.ConfigException;
import dev.walship.toolkit.config.YamlMapping;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

class ReplicaParserTest {
  @TempDir Path dir;

  private ReplicaConfig parse(String yaml) throws ConfigException {
    return new ReplicaParser(new PathExpander(Path.of("/home/op"), dir))
        .parse(
            YamlMapping.of("f.yml", "r", new Yaml().compose(new StringReader(yaml)), "a replica"));
  }

  private String error(String yaml) {
    return assertThrows(ConfigException.class, () -> parse(yaml)).getMessage();
  }

  @Test
  void fileReplicaFromPathOrUrl() throws ConfigException {
    assertEquals(
        new FileReplicaConfig("file", Path.of("/home/op/bk"), ReplicaTiming.DEFAULTS),
        parse("path: ~/bk\n"));
    assertEquals(
        new FileReplicaConfig("file", dir.resolve("bk"), ReplicaTiming.DEFAULTS),
        parse("url: file:bk\n"));
  }

  @Test
  void sftpReplicaFromKeys() throws IOException, ConfigException {
    Files.writeString(dir.resolve("key"), "k");
    var r =
        assertInstanceOf(
            SftpReplicaConfig.class,
            parse(
                "type: sftp\nhost: \"[::1]:2022\"\nuser: u\nkey-path: key\nhost-key: SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU\n"));
    assertEquals(
        new SftpTarget(
            "::1",
            2022,
            "u",
            null,
            "",
            dir.resolve("key"),
            null,
            "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU",
            null),
        r.target());
  }

  @Test
  void timingKeysAndTheirLimits() throws ConfigException {
    ReplicaTiming t =
        parse(
                "path: /b\nretention: 0\nretention-check-interval: 1m\nsync-interval: 0s\nsnapshot-interval: 1h\nvalidation-interval: 2h\n")
            .timing();
    assertEquals(
        new ReplicaTiming(
            Duration.ZERO,
            Duration.ofMinutes(1),
            Duration.ZERO,
            Duration.ofHours(1),
            Duration.ofHours(2)),
        t);
    assertEquals(
        "f.yml:2: r.snapshot-interval: must not be negative, got -1s (0 turns it off)",
        error("path: /b\nsnapshot-interval: -1s\n"));
    assertEquals(
        "f.yml:2: r.sync-interval: must not be negative, got -1ms (0 uploads at once)",
        error("path: /b\nsync-interval: -1ms\n"));
    assertEquals(
        "f.yml:2: r.validation-interval: must not be negative, got -1h0m0s (0 turns it off)",
        error("path: /b\nvalidation-interval: -1h\n"));
  }

  @Test
  void everySftpKeyIsRefusedOnAFileReplica() {
    for (String key : ReplicaParser.SFTP_KEYS) {
      assertEquals(
          "f.yml:2: r."
              + key
              + ": only sftp replicas take "
              + key
              + " (this replica is a file replica)",
          error("path: /b\n" + key + ": x\n"),
          key);
    }
  }

  @Test
  void azureKeysAreRefusedNamingWhatToUseInstead() {
    assertEquals(2, ReplicaParser.REFUSED.size());
    for (String key : ReplicaParser.REFUSED.keySet()) {
      String m = error("url: sftp://u@h/x\n" + key + ": x\n");
      assertEquals("f.yml:2: r." + key + ": " + ReplicaUrlParser.unsupportedType("abs"), m);
    }
  }

  @Test
  void everyS3KeyIsRefusedOnOtherReplicas() {
    for (String key : S3ReplicaParser.KEYS) {
      assertEquals(
          "f.yml:2: r."
              + key
              + ": only s3 replicas take "
              + key
              + " (this replica is an sftp replica)",
          error("url: sftp://u@h/x\n" + key + ": x\n"),
          key);
    }
  }

  @Test
  void sftpFileKeysMustExist() throws IOException {
    assertEquals(
        "f.yml:2: r.known-hosts: no such file: " + dir.resolve("kh"),
        error("url: sftp://u@h/x\nknown-hosts: kh\n"));
    Files.createDirectory(dir.resolve("d"));
    assertEquals(
        "f.yml:2: r.key-path: " + dir.resolve("d") + " is not a readable file",
        error("url: sftp://u@h/x\nkey-path: d\n"));
  }

  @Test
  void emptyValuesAreUnsetAsInLitestream() throws ConfigException {
    assertEquals("file", parse("type: ''\nname: ''\npath: /b\nurl: ''\n").name());
  }
}
