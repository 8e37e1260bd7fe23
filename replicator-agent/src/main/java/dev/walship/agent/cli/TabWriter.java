package dev.walship.agent.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Aligned columns as Go's {@code text/tabwriter} prints them with Litestream's settings ({@code
 * tabwriter.NewWriter(w, minwidth, 8, padding, ' ', 0)}), so tables match Litestream's byte for
 * byte.
 *
 * <p>Design note: a line is cells; every cell but the last ends a column, the last is free text. A
 * column block is a run of consecutive lines that have a cell in that column; its width is the
 * widest cell (in code points, as Go counts runes) plus padding, at least {@code minWidth}. Cells
 * are left-aligned and padded with spaces, empty ones too, so trailing spaces stay. A line with a
 * single cell ends every block (Go flushes there).
 */
final class TabWriter {
  private final PrintWriter out;
  private final int minWidth;
  private final int padding;
  private final List<List<String>> lines = new ArrayList<>();

  TabWriter(PrintWriter out, int minWidth, int padding) {
    this.out = out;
    this.minWidth = minWidth;
    this.padding = padding;
  }

  /** One line: {@code cells[i]} is followed by a tab, except the last, followed by a newline. */
  void line(String... cells) {
    lines.add(List.of(cells));
    if (cells.length == 1) {
      flush();
    }
  }

  /** Prints every buffered line. */
  void flush() {
    format(0, lines.size(), new ArrayList<>());
    lines.clear();
    out.flush();
  }

  private void format(int line0, int line1, List<Integer> widths) {
    int column = widths.size();
    for (int i = line0; i < line1; i++) {
      if (column >= lines.get(i).size() - 1) {
        continue;
      }
      writeLines(line0, i, widths);
      line0 = i;
      int width = minWidth;
      for (; i < line1 && column < lines.get(i).size() - 1; i++) {
        width = Math.max(width, width(lines.get(i).get(column)) + padding);
      }
      widths.add(width);
      format(line0, i, widths);
      widths.remove(widths.size() - 1);
      line0 = i;
    }
    writeLines(line0, line1, widths);
  }

  private void writeLines(int line0, int line1, List<Integer> widths) {
    for (int i = line0; i < line1; i++) {
      List<String> line = lines.get(i);
      StringBuilder sb = new StringBuilder();
      for (int j = 0; j < line.size(); j++) {
        String cell = line.get(j);
        sb.append(cell);
        if (j < widths.size()) {
          sb.append(" ".repeat(Math.max(0, widths.get(j) - width(cell))));
        }
      }
      out.print(sb.append('\n'));
    }
  }

  private static int width(String cell) {
    return cell.codePointCount(0, cell.length());
  }
}
