package dev.walship.scripts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.testing.TestTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The repository's documents: README.md starts with the two set-up commands and stays short (at
 * most 250 lines; the reference lives in {@code docs/}), and every relative link of every Markdown
 * file resolves to a file, and a heading, inside the repository.
 */
class RepositoryDocsTest {
  private static final int README_MAX_LINES = 250;

  @TempDir Path tmp;

  @Test
  void readmeStartsWithTheTwoSetUpCommandsAndStaysShort() throws Exception {
    List<String> readme = Files.readAllLines(TestTools.repoRoot().resolve("README.md"));
    assertTrue(
        readme.size() <= README_MAX_LINES,
        "README.md has "
            + readme.size()
            + " lines; at most "
            + README_MAX_LINES
            + " (move reference to docs/)");
    List<String> firstBlock = new ArrayList<>();
    int i = readme.indexOf("```sh");
    for (i++; i < readme.size() && !readme.get(i).equals("```"); i++) {
      firstBlock.add(readme.get(i).split("\\s+", 2)[0]);
    }
    assertEquals(List.of("scripts/demo", ".ci/run"), firstBlock, "README.md's first code block");
    assertTrue(
        readme.subList(0, readme.indexOf("```sh")).stream()
            .allMatch(l -> l.isBlank() || l.startsWith("# ")),
        "nothing but the title comes before the set-up commands");
  }

  @Test
  void everyRelativeLinkResolvesInsideTheRepository() throws Exception {
    MarkdownLinks links = new MarkdownLinks(TestTools.repoRoot());
    List<Path> files = links.markdownFiles();
    assertTrue(
        files.contains(TestTools.repoRoot().toAbsolutePath().normalize().resolve("docs/design.md")),
        files.toString());
    List<String> broken = new ArrayList<>();
    for (Path f : files) {
      broken.addAll(links.broken(f));
    }
    assertEquals(List.of(), broken);
  }

  @Test
  void theCheckFindsEveryKindOfBrokenLink() throws Exception {
    Path repo = Files.createDirectories(tmp.resolve("repo"));
    Files.createDirectories(repo.resolve("docs"));
    Files.writeString(
        repo.resolve("docs/a.md"), "# Title\n\n## Two words, `code`\n\n## Two words, `code`\n");
    Files.writeString(repo.resolve("outside.md"), "x\n");
    Files.writeString(
        repo.resolve("README.md"),
        String.join(
            "\n",
            "[ok](docs/a.md) [ok](docs/a.md#title) [ok](docs/a.md#two-words-code-1) [ok](https://example.org/x)",
            "[gone](docs/b.md)",
            "[anchor](docs/a.md#nope)",
            "[out](../outside.md)",
            "[abs](/etc/passwd)",
            "[scheme](file:///etc/passwd)",
            "`[in code](nowhere.md)`",
            "```",
            "[in a fence](nowhere.md)",
            "```",
            "[ref]: docs/c.md",
            ""));
    List<String> broken = new MarkdownLinks(repo).broken(repo.resolve("README.md"));
    assertEquals(
        List.of(
            "README.md:2: docs/b.md: no such file docs/b.md",
            "README.md:3: docs/a.md#nope: no heading #nope in docs/a.md",
            "README.md:4: ../outside.md: leads outside the repository",
            "README.md:5: /etc/passwd: absolute path; link relative to the file",
            "README.md:6: file:///etc/passwd: not a relative link (only files inside the repository may be linked)",
            "README.md:11: docs/c.md: no such file docs/c.md"),
        broken);
  }
}
