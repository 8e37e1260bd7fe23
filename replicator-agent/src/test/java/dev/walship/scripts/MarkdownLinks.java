package dev.walship.scripts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks the links of the repository's Markdown files: every relative link must name a file or
 * directory inside the repository, and a {@code #fragment} must name a heading of the target (as
 * GitHub makes heading anchors). Links to {@code http(s)://} and {@code mailto:} are not followed.
 */
final class MarkdownLinks {
  private static final Pattern INLINE =
      Pattern.compile("!?\\[[^\\]]*\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");
  private static final Pattern REFERENCE = Pattern.compile("^\\s*\\[[^\\]]+\\]:\\s*(\\S+)");
  private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$");
  private static final Set<String> SKIPPED_DIRS =
      Set.of(".git", ".tools", "target", "node_modules");

  private final Path root;
  private final Map<Path, Set<String>> anchors = new HashMap<>();

  MarkdownLinks(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  /** Every Markdown file below the root, except build output and installed tools. */
  List<Path> markdownFiles() throws IOException {
    List<Path> files = new ArrayList<>();
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes a) {
            return !dir.equals(root) && SKIPPED_DIRS.contains(dir.getFileName().toString())
                ? FileVisitResult.SKIP_SUBTREE
                : FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes a) {
            if (file.getFileName().toString().endsWith(".md")) {
              files.add(file);
            }
            return FileVisitResult.CONTINUE;
          }
        });
    files.sort(null);
    return files;
  }

  /** One line per broken link of {@code file}: {@code path:line: target: problem}. */
  List<String> broken(Path file) throws IOException {
    List<String> problems = new ArrayList<>();
    List<String> lines = Files.readAllLines(file);
    boolean fence = false;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.stripLeading().startsWith("```")) {
        fence = !fence;
        continue;
      }
      if (fence) {
        continue;
      }
      for (String target : targets(withoutCodeSpans(line))) {
        String problem = check(file, target);
        if (problem != null) {
          problems.add(root.relativize(file) + ":" + (i + 1) + ": " + target + ": " + problem);
        }
      }
    }
    return problems;
  }

  private static String withoutCodeSpans(String line) {
    return line.replaceAll("`[^`]*`", "``");
  }

  private static List<String> targets(String line) {
    List<String> found = new ArrayList<>();
    Matcher m = INLINE.matcher(line);
    while (m.find()) {
      found.add(m.group(1));
    }
    Matcher r = REFERENCE.matcher(line);
    if (r.find()) {
      found.add(r.group(1));
    }
    return found;
  }

  private String check(Path from, String target) {
    if (target.startsWith("http://")
        || target.startsWith("https://")
        || target.startsWith("mailto:")) {
      return null;
    }
    if (target.contains(":")) {
      return "not a relative link (only files inside the repository may be linked)";
    }
    int hash = target.indexOf('#');
    String pathPart = hash < 0 ? target : target.substring(0, hash);
    String fragment = hash < 0 ? null : target.substring(hash + 1);
    if (pathPart.startsWith("/")) {
      return "absolute path; link relative to the file";
    }
    Path resolved = pathPart.isEmpty() ? from : from.getParent().resolve(pathPart).normalize();
    if (!resolved.startsWith(root)) {
      return "leads outside the repository";
    }
    if (!Files.exists(resolved)) {
      return "no such file " + root.relativize(resolved);
    }
    if (fragment != null && !anchorsOf(resolved).contains(fragment)) {
      return "no heading #" + fragment + " in " + root.relativize(resolved);
    }
    return null;
  }

  private Set<String> anchorsOf(Path file) {
    if (!file.getFileName().toString().endsWith(".md")) {
      return Set.of();
    }
    return anchors.computeIfAbsent(
        file,
        f -> {
          try {
            return headingAnchors(Files.readAllLines(f));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  /** The anchors GitHub gives the headings of a Markdown file (duplicates get -1, -2, …). */
  static Set<String> headingAnchors(List<String> lines) {
    Set<String> result = new HashSet<>();
    Map<String, Integer> seen = new HashMap<>();
    boolean fence = false;
    for (String line : lines) {
      if (line.stripLeading().startsWith("```")) {
        fence = !fence;
      }
      Matcher m = HEADING.matcher(line);
      if (fence || !m.matches()) {
        continue;
      }
      String slug = slug(m.group(1));
      int n = seen.merge(slug, 1, Integer::sum);
      result.add(n == 1 ? slug : slug + "-" + (n - 1));
    }
    return result;
  }

  /** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
  static String slug(String heading) {
    String text = heading.replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1").toLowerCase(Locale.ROOT);
    StringBuilder out = new StringBuilder();
    text.codePoints()
        .forEach(
            c -> {
              if (Character.isLetterOrDigit(c) || c == '-' || c == '_') {
                out.appendCodePoint(c);
              } else if (c == ' ') {
                out.append('-');
              }
            });
    return out.toString();
  }
}
