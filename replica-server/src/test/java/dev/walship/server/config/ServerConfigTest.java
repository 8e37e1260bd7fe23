package dev.walship.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerConfigTest {
  @Test
  void builtInCode() {
    ServerConfig c =
        ServerConfig.builder()
            .hostKey(Path.of("/k"))
            .user("replicator", Path.of("/r"), Path.of("/a"), List.of("db"))
            .build();
    assertEquals("127.0.0.1:0", c.listen());
    assertEquals(ConfigSource.CODE, c.source());
    assertEquals(Path.of("/r"), c.user("replicator").orElseThrow().root());
    assertEquals(Limits.DEFAULTS, c.limits());
  }

  @Test
  void rejectsDuplicatesBadPortsAndMissingHostKey() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            ServerConfig.builder()
                .hostKey(Path.of("/k"))
                .user("a", Path.of("/r"), Path.of("/a"), List.of())
                .user("a", Path.of("/r"), Path.of("/a"), List.of())
                .build());
    assertThrows(
        IllegalArgumentException.class,
        () -> ServerConfig.builder().hostKey(Path.of("/k")).listen("h", 70000).build());
    assertThrows(IllegalStateException.class, () -> ServerConfig.builder().build());
  }

  @Test
  void ipv6ListenIsBracketed() {
    assertEquals(
        "[::1]:22",
        ServerConfig.builder().hostKey(Path.of("/k")).listen("::1", 22).build().listen());
  }
}
