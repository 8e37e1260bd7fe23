package dev.walship.agent.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code replicator version}: the version alone on one line, as {@code litestream version} prints
 * it. From the jar's manifest ({@code Implementation-Version}); when run from classes, from {@code
 * version.properties}, which Maven fills in with the project version.
 */
@Command(name = "version", description = "Print the version.")
public final class VersionCommand implements Callable<Integer> {
  static final String RESOURCE = "version.properties";

  @Mixin HelpOption help;

  private final CliContext ctx;

  public VersionCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    ctx.out().println(version());
    ctx.out().flush();
    return 0;
  }

  /** This program's version. */
  static String version() {
    return version(VersionCommand.class.getPackage().getImplementationVersion(), resource());
  }

  /** The manifest's version if there is one, else the resource's, else {@code unknown}. */
  static String version(String manifestVersion, Properties resource) {
    if (manifestVersion != null && !manifestVersion.isBlank()) {
      return manifestVersion;
    }
    String v = resource.getProperty("version", "");
    return v.isBlank() || v.startsWith("${") ? "unknown" : v;
  }

  private static Properties resource() {
    Properties p = new Properties();
    try (InputStream in = VersionCommand.class.getResourceAsStream(RESOURCE)) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p;
  }
}
