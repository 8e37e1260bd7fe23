package dev.walship.toolkit.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.event.Level;

/** The programs' logging on a real logback context, writing to a captured standard stream. */
class LoggingTest {
  private final PrintStream realOut = System.out;
  private final PrintStream realErr = System.err;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final LoggerContext context = new LoggerContext();

  LoggingTest() {
    context.setMDCAdapter(new LogbackMDCAdapter());
  }

  @AfterEach
  void restore() {
    context.stop();
    System.setOut(realOut);
    System.setErr(realErr);
  }

  private List<String> lines() {
    return out.toString(StandardCharsets.UTF_8).lines().toList();
  }

  private Logger configured(LogFormat format, LogTarget target, Level level) {
    PrintStream capture = new PrintStream(out, true, StandardCharsets.UTF_8);
    if (target == LogTarget.STDOUT) {
      System.setOut(capture);
    } else {
      System.setErr(capture);
    }
    Logging.configure(context, level, format, target);
    return context.getLogger("dev.walship.agent.capture.Engine");
  }

  @Test
  void textLinesCarryTimeLevelShortLoggerAndMessage() {
    Logger log = configured(LogFormat.TEXT, LogTarget.STDERR, Level.INFO);
    log.info("/data/app.db: generation {} continued", "0123");
    log.debug("not at info");
    assertEquals(1, lines().size(), lines().toString());
    assertTrue(
        lines()
            .get(0)
            .matches(
                "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) INFO Engine - /data/app.db: generation 0123 continued"),
        lines().get(0));
  }

  @Test
  void jsonIsOneObjectPerRecordWithTheStackTraceInError() {
    Logger log = configured(LogFormat.JSON, LogTarget.STDOUT, Level.DEBUG);
    log.debug("tab\there, \"quoted\", back\\slash");
    log.error("replica r1 failed", new IOException("connection reset"));
    List<String> lines = lines();
    assertEquals(2, lines.size(), lines.toString());
    assertTrue(
        lines
            .get(0)
            .matches(
                "\\{\"time\":\"[^\"]+\",\"level\":\"DEBUG\",\"logger\":\"Engine\","
                    + "\"msg\":\"tab\\\\there, \\\\\"quoted\\\\\", back\\\\\\\\slash\"}"),
        lines.get(0));
    assertTrue(
        lines
            .get(1)
            .contains(
                "\"level\":\"ERROR\",\"logger\":\"Engine\",\"msg\":\"replica r1 failed\","
                    + "\"error\":\"java.io.IOException: connection reset\\n\\tat "),
        lines.get(1));
    assertTrue(lines.get(1).endsWith("\"}"), lines.get(1));
  }

  @Test
  void minaLogsWarningsOnly() {
    PrintStream capture = new PrintStream(out, true, StandardCharsets.UTF_8);
    System.setOut(capture);
    Logging.configure(
        context,
        Level.DEBUG,
        LogFormat.TEXT,
        LogTarget.STDOUT,
        "dev.walship.server.ssh.ReplicaSshServer");
    context.getLogger("org.apache.sshd.common.io.nio2.Nio2Session").info("connection reset");
    context
        .getLogger("dev.walship.server.ssh.ReplicaSshServer")
        .info("start() listen on auto-allocated port");
    context.getLogger("org.apache.sshd.server.SshServer").warn("something is wrong");
    assertEquals(1, lines().size(), lines().toString());
    assertTrue(lines().get(0).endsWith(" WARN SshServer - something is wrong"), lines().get(0));
  }
}
