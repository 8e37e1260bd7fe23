package dev.walship.server.fs;

import dev.walship.format.layout.LayoutFile;
import dev.walship.format.layout.PathClass;
import dev.walship.format.validate.ValidationException;
import dev.walship.server.content.ContentValidator;
import dev.walship.toolkit.files.DurableFiles;
import java.io.IOException;
import java.nio.file.CopyOption;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;

/**
 * Every change to what a user's tree holds: publishing a staged upload, renaming, removing.
 *
 * <p>Invariants. (1) Bytes reach a final snapshot or segment name only from a private file no
 * client can reach (a staged upload's temporary file, or a renamed file moved aside first), and
 * only after they validated: no handle, session or later rename can change them afterwards, because
 * every client write goes to a private file of its own. (2) The immutability check of a target and
 * the change that depends on it happen under the user's lock, as one step. (3) Quota usage follows
 * every size change here. Denials are audited and thrown as {@link PolicyDeniedException};
 * successes get one audit line each.
 */
final class Publisher {
  private final UserSpace space;
  private final ContentValidator validator;
  private final Audit audit;

  Publisher(UserSpace space, ContentValidator validator, Audit audit) {
    this.space = space;
    this.validator = validator;
    this.audit = audit;
  }

  /** Throws (and audits) when {@code reason} is not null. */
  void allow(Op op, Path real, String reason) throws PolicyDeniedException {
    if (reason != null) {
      String view = space.jail.view(real);
      audit.denied(op, view, reason);
      throw new PolicyDeniedException(view, reason);
    }
  }

  /**
   * Publishes private file {@code temp} ({@code bytes} long) as {@code target}: validated when
   * {@code target} is a final layout name, refused when it would replace an immutable file with
   * other bytes, then renamed into place atomically (and durably for layout names).
   */
  void publish(Op op, Path temp, Path target, boolean replace) throws IOException {
    PathClass layout = space.policy.layoutClass(target);
    boolean layoutFile =
        layout instanceof PathClass.Snapshot || layout instanceof PathClass.WalSegment;
    if (layoutFile) {
      validate(layout, temp, target);
    }
    synchronized (space.lock) {
      long replaced = 0;
      if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
        if (!replace) {
          throw new FileAlreadyExistsException(space.jail.view(target));
        }
        String locked = immutable(target);
        if (locked != null && (Files.isDirectory(target) || Files.mismatch(temp, target) != -1L)) {
          allow(op, target, locked);
        }
        replaced = Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS) ? Files.size(target) : 0;
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      space.usage.release(replaced);
    }
    if (layoutFile) {
      DurableFiles.syncDirectory(target.getParent());
      space.immutability.published(target);
    }
  }

  /** Removes file or empty directory {@code real}, unless it is immutable. */
  void remove(Path real) throws IOException {
    boolean directory = Files.isDirectory(real, LinkOption.NOFOLLOW_LINKS);
    Op op = directory ? Op.RMDIR : Op.REMOVE;
    allow(op, real, space.policy.modify(real));
    synchronized (space.lock) {
      allow(op, real, immutable(real));
      long size = Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS) ? Files.size(real) : 0;
      Files.delete(real);
      space.usage.release(size);
    }
    audit.removed(op, space.jail.view(real));
  }

  /**
   * Renames {@code from} to {@code to}. A file renamed onto a final layout name is first moved
   * aside to a private name, validated there and published from there: what validated is what
   * appears, whatever another session does meanwhile to the name it came from.
   */
  void rename(Path from, Path to, CopyOption... options) throws IOException {
    boolean directory = Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS);
    allow(Op.RENAME, from, space.policy.move(from, to, directory));
    List<CopyOption> opts = Arrays.asList(options);
    boolean replace = opts.contains(StandardCopyOption.REPLACE_EXISTING);
    PathClass pc = space.policy.layoutClass(to);
    if (!directory && (pc instanceof PathClass.Snapshot || pc instanceof PathClass.WalSegment)) {
      renameOntoLayoutName(from, to, replace);
    } else {
      synchronized (space.lock) {
        allow(Op.RENAME, from, immutable(from));
        if (Files.exists(to, LinkOption.NOFOLLOW_LINKS)) {
          if (!replace) {
            throw new FileAlreadyExistsException(space.jail.view(to));
          }
          allow(Op.RENAME, to, immutable(to));
        }
        long replaced = Files.isRegularFile(to, LinkOption.NOFOLLOW_LINKS) ? Files.size(to) : 0;
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        space.usage.release(replaced);
      }
    }
    audit.renamed(space.jail.view(from), space.jail.view(to));
  }

  private void renameOntoLayoutName(Path from, Path to, boolean replace) throws IOException {
    Path aside = space.temporaryFor(to);
    synchronized (space.lock) {
      allow(Op.RENAME, from, immutable(from));
      if (!replace && Files.exists(to, LinkOption.NOFOLLOW_LINKS)) {
        throw new FileAlreadyExistsException(space.jail.view(to));
      }
      Files.move(from, aside, StandardCopyOption.ATOMIC_MOVE);
    }
    boolean published = false;
    try {
      publish(Op.RENAME, aside, to, replace);
      published = true;
    } finally {
      if (!published) {
        putBack(aside, from);
      }
    }
  }

  /**
   * After a refused rename: the file goes back to its old name, unless something took that name
   * meanwhile.
   */
  private void putBack(Path aside, Path from) throws IOException {
    try {
      Files.move(aside, from);
    } catch (FileAlreadyExistsException | NoSuchFileException taken) {
      long size = Files.isRegularFile(aside) ? Files.size(aside) : 0;
      if (Files.deleteIfExists(aside)) {
        space.usage.release(size);
      }
      audit.discarded(
          space.jail.view(from),
          "a refused rename could not put the file back: its name was taken meanwhile");
    }
  }

  private String immutable(Path real) throws IOException {
    String reason = space.immutability.lockedReason(real);
    return reason == null ? null : "immutable: " + reason;
  }

  /**
   * Validates {@code content} as the snapshot or segment {@code layout} names; audits a rejection.
   */
  private void validate(PathClass layout, Path content, Path target) throws IOException {
    LayoutFile name =
        layout instanceof PathClass.Snapshot s ? s.name() : ((PathClass.WalSegment) layout).name();
    try {
      validator.validate(name, content, target);
    } catch (ValidationException e) {
      audit.rejected(space.jail.view(target), e.getMessage());
      throw e;
    }
  }
}
