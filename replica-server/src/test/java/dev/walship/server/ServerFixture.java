package dev.walship.server;

import dev.walship.server.config.Limits;
import dev.walship.server.config.ServerConfig;
import dev.walship.server.config.UserConfig;
import dev.walship.server.content.ContentValidator;
import dev.walship.server.content.LayoutContentValidator;
import dev.walship.testing.OpenSshClient;
import dev.walship.testing.SshKeys;
import dev.walship.toolkit.config.ConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A real replica-server on 127.0.0.1 (a free port) for one test class: user {@code replicator} with
 * root {@code <dir>/data/replicator}, writable {@code db}, an ed25519 key made by ssh-keygen, and
 * an OpenSSH client pinned to the server's host key.
 */
public final class ServerFixture implements AutoCloseable {
  public static final String USER = "replicator";

  public final Path dir;
  public final Path root;
  public final Path authorizedKeys;
  public final SshKeys.KeyPair key;
  public final ServerConfig config;
  public final ReplicaServer server;
  public final OpenSshClient client;

  private ServerFixture(
      Path dir,
      Path root,
      Path authorizedKeys,
      SshKeys.KeyPair key,
      ServerConfig config,
      ReplicaServer server) {
    this.dir = dir;
    this.root = root;
    this.authorizedKeys = authorizedKeys;
    this.key = key;
    this.config = config;
    this.server = server;
    this.client =
        new OpenSshClient(
            USER,
            server.port(),
            key.privateKey(),
            OpenSshClient.knownHosts(dir, server.port(), server.hostKeyLine()));
  }

  public static ServerFixture start(Path dir) {
    return start(dir, Limits.DEFAULTS, new LayoutContentValidator());
  }

  public static ServerFixture start(Path dir, Limits limits, ContentValidator validator) {
    return start(dir, limits, validator, u -> u, Clock.systemUTC());
  }

  /** A server whose user is {@code user} applied to the fixture's user, with {@code clock}. */
  public static ServerFixture start(
      Path dir, ContentValidator validator, UnaryOperator<UserConfig> user, Clock clock) {
    return start(dir, Limits.DEFAULTS, validator, user, clock);
  }

  private static ServerFixture start(
      Path dir,
      Limits limits,
      ContentValidator validator,
      UnaryOperator<UserConfig> user,
      Clock clock) {
    try {
      Path root = Files.createDirectories(dir.resolve("data").resolve(USER));
      SshKeys.KeyPair key =
          SshKeys.generate(Files.createDirectories(dir.resolve("client")), "id_ed25519", "ed25519");
      Path keys = dir.resolve("authorized_keys_" + USER);
      Files.writeString(keys, key.publicLine() + "\n");
      Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rw-------"));
      ServerConfig config =
          ServerConfig.builder()
              .listen("127.0.0.1", 0)
              .hostKey(dir.resolve("ssh_host_ed25519_key"))
              .user(user.apply(new UserConfig(USER, root, keys, List.of("db"))))
              .limits(limits)
              .build();
      return new ServerFixture(
          dir, root, keys, key, config, ReplicaServer.start(config, validator, clock));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (ConfigException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }

  /** A local file for uploads, in the fixture's directory. */
  public Path localFile(String name, String content) {
    try {
      return Files.writeString(dir.resolve(name), content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
