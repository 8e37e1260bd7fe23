package dev.walship.format.layout;

/**
 * A point in a replicated history: byte {@code offset} of WAL index {@code index} of {@code
 * generation}. Positions order by generation name, then index, then offset; only positions of one
 * generation are comparable in a meaningful way.
 */
public record Position(Generation generation, int index, long offset)
    implements Comparable<Position> {

  public Position {
    if (generation == null) {
      throw new NullPointerException("generation");
    }
    if (index < 0 || index > Layout.MAX_INDEX) {
      throw new IllegalArgumentException("index " + index + " outside 0.." + Layout.MAX_INDEX);
    }
    if (offset < 0) {
      throw new IllegalArgumentException("offset " + offset + " < 0");
    }
  }

  /** The same index, another offset. */
  public Position withOffset(long newOffset) {
    return new Position(generation, index, newOffset);
  }

  /** The start of the next index. */
  public Position nextIndex() {
    return new Position(generation, index + 1, 0);
  }

  @Override
  public int compareTo(Position o) {
    int c = generation.compareTo(o.generation);
    if (c != 0) {
      return c;
    }
    c = Integer.compare(index, o.index);
    return c != 0 ? c : Long.compare(offset, o.offset);
  }

  /** {@code <gen>/<%08x index>:<%08x offset>}, as Litestream prints a position. */
  @Override
  public String toString() {
    return generation + "/" + Hex.format(index, 8) + ":" + Hex.format(offset, 8);
  }
}
