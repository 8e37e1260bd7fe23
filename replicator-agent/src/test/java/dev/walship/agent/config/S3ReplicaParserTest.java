package dev.walship.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.walship.agent.s3.S3Credentials;
import dev.walship.agent.s3.S3Target;
import dev.walship.toolkit.config.ConfigException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * S3 replicas in litestream.yml, read with Litestream v0.3.13's rules (URL forms, endpoints, keys).
 */
class S3ReplicaParserTest {
  static final PathExpander PATHS = new PathExpander(Path.of("/home/op"), Path.of("/srv"));

  private static S3Target target(Map<String, String> env, String yaml) throws ConfigException {
    AgentConfig c = new ConfigLoader(env, PATHS).parse(yaml, "litestream.yml", false);
    return assertInstanceOf(S3ReplicaConfig.class, c.dbs().get(0).replicas().get(0)).target();
  }

  private static S3Target replica(String replicaYaml) throws ConfigException {
    return target(Map.of(), db(replicaYaml));
  }

  private static String db(String replicaYaml) {
    return "dbs:\n  - path: /a.db\n    replicas:\n      - "
        + replicaYaml.replace("\n", "\n        ")
        + "\n";
  }

  private static final S3Credentials CHAIN = S3Credentials.DEFAULT_CHAIN;

  @Test
  void urlFormsLitestreamAccepts() throws ConfigException {
    assertEquals(
        new S3Target("bkt", "db", null, null, false, false, CHAIN), replica("url: s3://bkt/db"));
    assertEquals(
        new S3Target(
            "bkt", "", "us-east-1", URI.create("http://localhost:9000"), true, false, CHAIN),
        replica("url: s3://bkt.localhost:9000"));
    assertEquals(
        new S3Target(
            "bkt",
            "x",
            "us-west-000",
            URI.create("https://s3.us-west-000.backblazeb2.com"),
            true,
            false,
            CHAIN),
        replica("url: s3://bkt.s3.us-west-000.backblazeb2.com/x"));
    assertEquals(
        new S3Target(
            "bkt",
            "x",
            "nyc3",
            URI.create("https://nyc3.digitaloceanspaces.com"),
            true,
            false,
            CHAIN),
        replica("url: s3://bkt.nyc3.digitaloceanspaces.com/x"));
    assertEquals(
        new S3Target("bkt", "x", null, URI.create("https://s3.filebase.com"), true, false, CHAIN),
        replica("url: s3://bkt.s3.filebase.com/x"));
    assertEquals(
        new S3Target(
            "bkt", "x", "fr-par", URI.create("https://s3.fr-par.scw.cloud"), true, false, CHAIN),
        replica("url: s3://bkt.s3.fr-par.scw.cloud/x"));
    assertEquals(
        new S3Target(
            "bkt",
            "x",
            "us-east-1",
            URI.create("https://us-east-1.linodeobjects.com"),
            true,
            false,
            CHAIN),
        replica("url: s3://bkt.us-east-1.linodeobjects.com/x"));
    assertEquals(
        new S3Target("bkt.s3.amazonaws.com", "x", null, null, false, false, CHAIN),
        replica("url: s3://bkt.s3.amazonaws.com/x"),
        "any other host is the bucket, as in Litestream");
  }

  @Test
  void keysFillWhatTheUrlLeavesAndEndpointsMeanPathStyle() throws ConfigException {
    assertEquals(
        new S3Target("b", "p/q", "eu-west-1", null, false, false, CHAIN),
        replica("type: s3\nbucket: b\npath: p/q\nregion: eu-west-1"));
    assertEquals(
        new S3Target("b", "", null, URI.create("https://minio.lan:9000"), true, false, CHAIN),
        replica("type: s3\nbucket: b\nendpoint: minio.lan:9000"),
        "no scheme: https, as the Go SDK reads it");
    assertEquals(
        new S3Target("b", "", null, URI.create("http://minio:9000"), false, true, CHAIN),
        replica(
            "type: s3\nbucket: b\nendpoint: http://minio:9000\nforce-path-style: false\nskip-verify: true"));
    assertEquals(
        new S3Target("b", "", "us-west-2", URI.create("http://localhost:9000"), true, false, CHAIN),
        replica("url: s3://b.localhost:9000\nregion: us-west-2\nforce-path-style: false"),
        "a provider URL turns path style on whatever the key says (Litestream's rule)");
    assertEquals(
        new S3Target("b", "db", null, URI.create("http://10.0.0.5:9000"), true, false, CHAIN),
        replica("url: s3://b/db\nendpoint: http://10.0.0.5:9000"));
  }

  @Test
  void credentialsComeFromTheReplicaTheFileOrTheEnvironmentInThatOrder() throws ConfigException {
    String replica =
        "url: s3://b/db\naccess-key-id: AKIAREPLICA\nsecret-access-key: replica-secret";
    Map<String, String> env =
        Map.of(
            "AWS_ACCESS_KEY_ID",
            "AKIAENV",
            "AWS_SECRET_ACCESS_KEY",
            "env-secret",
            "LITESTREAM_ACCESS_KEY_ID",
            "AKIALS",
            "LITESTREAM_SECRET_ACCESS_KEY",
            "ls-secret");
    String top = "access-key-id: AKIATOP\nsecret-access-key: top-secret\n";
    assertEquals(
        S3Credentials.of(
            "AKIAREPLICA", "replica-secret", null, "access-key-id at litestream.yml:7"),
        target(env, top + db(replica)).credentials());
    assertEquals(
        S3Credentials.of("AKIATOP", "top-secret", null, "access-key-id at litestream.yml:1"),
        target(env, top + db("url: s3://b/db")).credentials());
    assertEquals(
        S3Credentials.of("AKIAENV", "env-secret", null, "$AWS_ACCESS_KEY_ID"),
        target(env, db("url: s3://b/db")).credentials());
    assertEquals(
        S3Credentials.of("AKIALS", "ls-secret", "tok", "$LITESTREAM_ACCESS_KEY_ID"),
        target(
                Map.of(
                    "LITESTREAM_ACCESS_KEY_ID",
                    "AKIALS",
                    "LITESTREAM_SECRET_ACCESS_KEY",
                    "ls-secret",
                    "AWS_SESSION_TOKEN",
                    "tok"),
                db("url: s3://b/db"))
            .credentials());
    assertEquals(CHAIN, target(Map.of(), db("url: s3://b/db")).credentials());
  }

  @Test
  void halfAKeyPairInTheEnvironmentIsAnError() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> target(Map.of("LITESTREAM_ACCESS_KEY_ID", "AKIALS"), db("url: s3://b/db")));
    assertEquals(
        "litestream.yml:4: dbs[0].replicas[0]: $LITESTREAM_ACCESS_KEY_ID is set but"
            + " $LITESTREAM_SECRET_ACCESS_KEY is not (S3 needs both)",
        e.getMessage());
    e =
        assertThrows(
            ConfigException.class,
            () -> target(Map.of("AWS_SECRET_ACCESS_KEY", "only-secret"), db("url: s3://b/db")));
    assertEquals(
        "litestream.yml:4: dbs[0].replicas[0]: $AWS_SECRET_ACCESS_KEY is set but"
            + " $LITESTREAM_ACCESS_KEY_ID is not (S3 needs both)",
        e.getMessage());
    assertFalse(e.getMessage().contains("only-secret"));
  }

  @Test
  void secretsNeverShowInTheConfigsTextForms() throws ConfigException {
    String yaml =
        db("url: s3://b/db\naccess-key-id: AKIAREPLICA\nsecret-access-key: replica-secret");
    AgentConfig c = new ConfigLoader(Map.of(), PATHS).parse(yaml, "litestream.yml", false);
    String shown = c.toString() + c.dbs().get(0).replicas().get(0).location();
    assertFalse(shown.contains("replica-secret"), shown);
    assertFalse(shown.contains("AKIAREPLICA"), shown);
  }
}
