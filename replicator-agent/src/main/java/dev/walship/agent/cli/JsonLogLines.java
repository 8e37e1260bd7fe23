package dev.walship.agent.cli;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code logging.type: json}: turns slf4j-simple's text records into one JSON object per line,
 * {@code {"time":…,"level":…,"logger":…,"msg":…}} plus {@code "error"} with the stack trace when
 * the record carries one. slf4j-simple writes a record as one line in the form {@link LogSetup}
 * configures ({@code <time> <LEVEL> <logger> - <message>}), then any stack trace, then flushes; so
 * a record is complete at a flush or when the next record's line begins. A line that is not a
 * record's first line and follows no record (nothing but logs should reach this stream) becomes a
 * record of its own with level {@code INFO} and no logger.
 */
final class JsonLogLines extends OutputStream {
  private static final Pattern RECORD =
      Pattern.compile("^(\\d{4}-\\d\\d-\\d\\dT\\S+) (TRACE|DEBUG|INFO|WARN|ERROR) (\\S+) - (.*)$",
          Pattern.DOTALL);

  private final PrintStream out;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();
  private String[] head;
  private StringBuilder error;

  private JsonLogLines(PrintStream out) {
    this.out = out;
  }

  /** A print stream that writes what it is given to {@code out} as JSON lines. */
  static PrintStream to(PrintStream out) {
    return new PrintStream(new JsonLogLines(out), false, StandardCharsets.UTF_8);
  }

  @Override
  public synchronized void write(int b) {
    if (b == '\n') {
      endLine();
    } else if (b != '\r') {
      line.write(b);
    }
  }

  @Override
  public synchronized void write(byte[] b, int off, int len) {
    for (int i = off; i < off + len; i++) {
      write(b[i]);
    }
  }

  @Override
  public synchronized void flush() {
    if (line.size() > 0) {
      endLine();
    }
    emit();
    out.flush();
  }

  @Override
  public void close() {
    flush();
  }

  private void endLine() {
    String text = line.toString(StandardCharsets.UTF_8);
    line.reset();
    Matcher m = RECORD.matcher(text);
    if (m.matches()) {
      emit();
      head = new String[] {m.group(1), m.group(2), m.group(3), m.group(4)};
    } else if (head != null) {
      (error == null ? error = new StringBuilder() : error.append('\n')).append(text);
    } else {
      head = new String[] {null, "INFO", null, text};
    }
  }

  private void emit() {
    if (head == null) {
      return;
    }
    StringBuilder j = new StringBuilder(128).append('{');
    field(j, "time", head[0]);
    field(j, "level", head[1]);
    field(j, "logger", head[2]);
    field(j, "msg", head[3]);
    field(j, "error", error == null ? null : error.toString());
    j.setCharAt(j.length() - 1, '}');
    out.println(j);
    head = null;
    error = null;
  }

  private static void field(StringBuilder j, String name, String value) {
    if (value != null) {
      j.append('"').append(name).append("\":");
      quote(j, value);
      j.append(',');
    }
  }

  /** Appends {@code s} as a JSON string (RFC 8259 escapes). */
  static void quote(StringBuilder j, String s) {
    j.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> j.append("\\\"");
        case '\\' -> j.append("\\\\");
        case '\n' -> j.append("\\n");
        case '\r' -> j.append("\\r");
        case '\t' -> j.append("\\t");
        default -> {
          if (c < 0x20) {
            j.append(String.format("\\u%04x", (int) c));
          } else {
            j.append(c);
          }
        }
      }
    }
    j.append('"');
  }
}
