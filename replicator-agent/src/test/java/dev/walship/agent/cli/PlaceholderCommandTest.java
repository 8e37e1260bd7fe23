package dev.walship.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlaceholderCommandTest {
  @TempDir Path dir;

  @Test
  void saysNotImplementedAndExits2WhateverTheArguments() {
    for (String c : new String[] {"replicate"}) {
      CliRun r = CliRun.run(dir, Map.of(), c, "-config", "x.yml", "/var/lib/app.db", "sftp://u@h/x");
      assertEquals(2, r.exit(), c);
      assertEquals("error: replicator " + c + ": not implemented yet\n", r.err());
      assertEquals("", r.out());
    }
  }
}
