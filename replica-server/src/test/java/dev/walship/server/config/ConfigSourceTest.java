package dev.walship.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigSourceTest {
  @Test
  void namesFileLineAndKey() {
    ConfigSource s =
        new ConfigSource(Path.of("/etc/rs.yml"), Map.of("listen", 3, "users[0].root", 9));
    assertEquals("/etc/rs.yml:3: listen: bad", s.error("listen", "bad").getMessage());
    assertEquals(
        "/etc/rs.yml: host-key (default): missing", s.error("host-key", "missing").getMessage());
    assertEquals(
        "/etc/rs.yml:9: users[0].root: gone", s.error("users[0].root", "gone").getMessage());
  }

  @Test
  void userKeysFallBackToDefaults() {
    ConfigSource s = new ConfigSource(Path.of("/etc/rs.yml"), Map.of("users[1].root", 9));
    assertEquals("users[1].root", s.userKey(1, "root"));
    assertEquals("defaults.root", s.userKey(0, "root"));
    assertEquals("users[0].root", ConfigSource.CODE.userKey(0, "root"));
    assertEquals("listen: bad", ConfigSource.CODE.error("listen", "bad").getMessage());
  }
}
