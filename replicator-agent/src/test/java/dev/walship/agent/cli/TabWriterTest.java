package dev.walship.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Go's text/tabwriter behaviour with padchar ' ', flags 0 (DatabasesCommandTest compares with
 * Litestream).
 */
class TabWriterTest {
  private static String write(int padding, Consumer<TabWriter> lines) {
    StringWriter s = new StringWriter();
    TabWriter w = new TabWriter(new PrintWriter(s), 0, padding);
    lines.accept(w);
    w.flush();
    return s.toString();
  }

  @Test
  void columnWidthIsWidestCellPlusPadding() {
    assertEquals(
        "path     replicas\n/a.db    file\n/bb.db7  file,sftp\n",
        write(
            2,
            w -> {
              w.line("path", "replicas");
              w.line("/a.db", "file");
              w.line("/bb.db7", "file,sftp");
            }));
  }

  /** Go's "elastic" example: a column block ends where a line has no cell in that column. */
  @Test
  void columnBlocksAreElastic() {
    assertEquals(
        "a    b  c\naa   bb cc\naaa  \naaaa dddd eeee\n",
        write(
            1,
            w -> {
              w.line("a", "b", "c");
              w.line("aa", "bb", "cc");
              w.line("aaa", "");
              w.line("aaaa", "dddd", "eeee");
            }));
  }

  @Test
  void emptyCellsArePaddedAndTrailingTextIsNot() {
    assertEquals(
        "x     y\n      z\nlong  \n",
        write(
            2,
            w -> {
              w.line("x", "y");
              w.line("", "z");
              w.line("long", "");
            }));
  }

  @Test
  void widthCountsCodePointsAsGoCountsRunes() {
    assertEquals(
        "\u00fc\u00f1   a\nxyz  b\n\ud83d\ude00    c\n",
        write(
            2,
            w -> {
              w.line("\u00fc\u00f1", "a");
              w.line("xyz", "b");
              w.line("\ud83d\ude00", "c");
            }));
  }

  @Test
  void aLineWithoutColumnsEndsTheBlocks() {
    assertEquals(
        "a  b\ntitle\nccc  d\n",
        write(
            2,
            w -> {
              w.line("a", "b");
              w.line("title");
              w.line("ccc", "d");
            }));
  }
}
