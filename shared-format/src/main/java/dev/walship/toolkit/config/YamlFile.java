package dev.walship.toolkit.config;

import java.io.StringReader;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads a configuration file's YAML text into SnakeYAML's node tree, never into objects (so no tag
 * in the file can instantiate anything); {@link YamlMapping} then walks it with every key's line.
 * Keys given twice are reported by {@link YamlMapping} (naming both lines), recursive keys and
 * excessive aliases are refused, a leading byte-order mark is dropped.
 */
public final class YamlFile {
  private YamlFile() {}

  /**
   * The document's root node, or null when the text holds no document.
   *
   * @param source the file as the operator named it, for messages
   */
  public static Node compose(String text, String source) throws ConfigException {
    LoaderOptions options = new LoaderOptions();
    options.setProcessComments(false);
    options.setAllowRecursiveKeys(false);
    options.setAllowDuplicateKeys(true); // YamlMapping reports them, with both lines
    try {
      return new Yaml(options)
          .compose(new StringReader(text.startsWith("\uFEFF") ? text.substring(1) : text));
    } catch (MarkedYAMLException e) {
      int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
      String context = e.getContext() == null ? "" : " (" + e.getContext() + ")";
      throw new ConfigException(source, line, "", "invalid YAML: " + e.getProblem() + context);
    } catch (YAMLException e) {
      throw new ConfigException(source, 0, "", "invalid YAML: " + e.getMessage());
    }
  }
}
