package dev.walship.agent.replicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecChildTest {
  @TempDir Path tmp;

  @Test
  void splitsLikeAShellSplitsASimpleCommand() {
    assertEquals(List.of("app", "-x", "1"), ExecChild.split("  app -x   1 "));
    assertEquals(
        List.of("sh", "-c", "echo $HOME; exit 3"), ExecChild.split("sh -c 'echo $HOME; exit 3'"));
    assertEquals(
        List.of("say", "a \"b\" c", "d\\e"), ExecChild.split("say \"a \\\"b\\\" c\" \"d\\e\""));
    assertEquals(List.of("one word", ""), ExecChild.split("one\\ word ''"));
  }

  @Test
  void refusesWhatOnlyAShellWouldUnderstand() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ExecChild.split("app | tee log"));
    assertTrue(e.getMessage().contains("sh -c"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ExecChild.split("app 'unterminated"));
    assertThrows(IllegalArgumentException.class, () -> ExecChild.split("   "));
  }

  @Test
  void reportsTheChildsExitStatus() throws Exception {
    ExecChild c = ExecChild.start("sh -c 'exit 7'");
    assertEquals(7, c.waitFor());
  }

  @Test
  void forwardsTermAndIntToTheChild() throws Exception {
    for (String sig : List.of("TERM", "INT")) {
      Path ready = tmp.resolve("ready-" + sig);
      String script =
          "trap 'exit 42' " + sig + "; touch " + ready + "; while true; do sleep 0.05; done";
      ExecChild c = ExecChild.start("sh -c \"" + script + "\"");
      try {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!Files.exists(ready) && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        c.signal(sig);
        assertTrue(c.waitFor(Duration.ofSeconds(10)), sig + " ended the child");
        assertEquals(42, c.exitValue(), "the child's trap for " + sig + " ran");
      } finally {
        c.kill();
      }
    }
  }
}
