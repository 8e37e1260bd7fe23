package dev.walship.format.layout;

import java.util.random.RandomGenerator;

/**
 * A generation: one unbroken history of a database, named by 16 lowercase hex digits (8 random
 * bytes). Generations order by name, which is how Litestream lists them.
 */
public record Generation(String name) implements Comparable<Generation> {
  /** Length of a generation name in characters. */
  public static final int NAME_LENGTH = 16;

  /**
   * @throws InvalidNameException when {@code name} is not 16 lowercase hex digits
   */
  public Generation {
    Hex.parse(name, NAME_LENGTH, name, "generation");
  }

  /** Parses a generation name; the same check as the constructor, under a readable name. */
  public static Generation parse(String name) {
    return new Generation(name);
  }

  /** A new generation id from 8 bytes of {@code random}. */
  public static Generation random(RandomGenerator random) {
    return new Generation(Hex.format(random.nextLong(), NAME_LENGTH));
  }

  /** {@code true} when {@code name} is a valid generation name. */
  public static boolean isValid(String name) {
    try {
      parse(name);
      return true;
    } catch (InvalidNameException e) {
      return false;
    }
  }

  @Override
  public int compareTo(Generation o) {
    return name.compareTo(o.name);
  }

  @Override
  public String toString() {
    return name;
  }
}
