package dev.walship.server.fs;

import dev.walship.format.layout.LayoutFile;
import dev.walship.format.layout.PathClass;
import dev.walship.format.validate.ValidationException;
import java.io.IOException;
import java.nio.file.Path;

/** Steps shared by the two ways a file reaches a final layout name: rename and staged close. */
final class Uploads {
  private Uploads() {}

  /** Validates {@code content} as the snapshot or segment {@code layout} names; logs a rejection. */
  static void validate(JailFileSystemProvider p, PathClass layout, Path content, Path target) throws IOException {
    LayoutFile name = layout instanceof PathClass.Snapshot s ? s.name() : ((PathClass.WalSegment) layout).name();
    try {
      p.validator().validate(name, content, target);
    } catch (ValidationException e) {
      p.audit().rejected(p.jail().view(target), e.getMessage());
      throw e;
    }
  }
}
