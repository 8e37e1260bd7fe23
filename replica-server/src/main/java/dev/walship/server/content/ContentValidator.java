package dev.walship.server.content;

import dev.walship.format.layout.LayoutFile;
import java.io.IOException;
import java.nio.file.Path;

/** Decides whether a finished upload may become a snapshot or WAL segment of a replica tree. */
public interface ContentValidator {
  /**
   * Validates the bytes in {@code content} as {@code name}, about to be renamed to {@code target}
   * (a host path whose directory holds the other files of its kind).
   *
   * @throws dev.walship.format.validate.ValidationException when the content is not what the name
   *     promises; the message names the file and says expected vs actual
   */
  void validate(LayoutFile name, Path content, Path target) throws IOException;
}
