package dev.walship.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonLogLinesTest {
  private final ByteArrayOutputStream sink = new ByteArrayOutputStream();
  private final PrintStream json =
      JsonLogLines.to(new PrintStream(sink, true, StandardCharsets.UTF_8));

  private List<String> lines() {
    return sink.toString(StandardCharsets.UTF_8).lines().toList();
  }

  /** What slf4j-simple does for one record: the line, the stack trace if any, a flush. */
  private void record(String line, Throwable t) {
    json.println(line);
    if (t != null) {
      t.printStackTrace(json);
    }
    json.flush();
  }

  @Test
  void eachRecordBecomesOneJsonObject() {
    record("2026-11-27T14:00:00.123Z INFO Engine - /data/app.db: generation 0123 \"continued\"", null);
    record("2026-11-27T14:00:01.000Z WARN ReplicaShipper - tab\there, back\\slash", null);
    assertEquals(List.of(
        "{\"time\":\"2026-11-27T14:00:00.123Z\",\"level\":\"INFO\",\"logger\":\"Engine\","
            + "\"msg\":\"/data/app.db: generation 0123 \\\"continued\\\"\"}",
        "{\"time\":\"2026-11-27T14:00:01.000Z\",\"level\":\"WARN\",\"logger\":\"ReplicaShipper\","
            + "\"msg\":\"tab\\there, back\\\\slash\"}"), lines());
  }

  @Test
  void aStackTraceGoesIntoTheRecordsErrorField() {
    record("2026-11-27T14:00:00.123Z ERROR Supervisor - replica r1 failed",
        new IOException("connection reset"));
    List<String> out = lines();
    assertEquals(1, out.size(), out.toString());
    String line = out.get(0);
    assertTrue(line.startsWith("{\"time\":\"2026-11-27T14:00:00.123Z\",\"level\":\"ERROR\","
        + "\"logger\":\"Supervisor\",\"msg\":\"replica r1 failed\",\"error\":\"java.io.IOException:"
        + " connection reset\\n\\tat "), line);
    assertTrue(line.endsWith("\"}"), line);
  }

  @Test
  void recordsWrittenWithoutAFlushInBetweenStaySeparate() {
    json.println("2026-11-27T14:00:00.123Z DEBUG A - one");
    json.println("2026-11-27T14:00:00.124Z INFO B - two");
    json.flush();
    assertEquals(2, lines().size(), lines().toString());
    assertTrue(lines().get(1).contains("\"logger\":\"B\",\"msg\":\"two\""), lines().get(1));
  }

  @Test
  void aLineThatIsNoRecordIsStillJson() {
    json.print("plain \u0001 text");
    json.flush();
    assertEquals(List.of("{\"level\":\"INFO\",\"msg\":\"plain \\u0001 text\"}"), lines());
  }
}
