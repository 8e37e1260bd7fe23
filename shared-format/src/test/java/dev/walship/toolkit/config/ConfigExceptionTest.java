package dev.walship.toolkit.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ConfigExceptionTest {
  @Test
  void placeIsFileLineKeyPath() {
    assertEquals(
        "litestream.yml:7: dbs[0].replicas[0].sync-interval: \"1x\" is not a duration",
        new ConfigException(
                "litestream.yml", 7, "dbs[0].replicas[0].sync-interval", "\"1x\" is not a duration")
            .getMessage());
  }

  @Test
  void unknownLineAndWholeFileAreLeftOut() {
    assertEquals(
        "f.yml: invalid YAML: x",
        new ConfigException("f.yml", 0, "", "invalid YAML: x").getMessage());
    assertEquals("f.yml:3: bad", new ConfigException("f.yml", 3, "", "bad").getMessage());
  }

  @Test
  void carriesNoStackTrace() {
    assertEquals(0, new ConfigException("x").getStackTrace().length);
    assertEquals(0, new ConfigException("x", new RuntimeException()).getStackTrace().length);
  }
}
