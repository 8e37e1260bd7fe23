package dev.walship.agent.cli;

import picocli.CommandLine.Option;

/** {@code -h}, {@code -help}, {@code --help} on every command, as Go's flag package takes them. */
public final class HelpOption {
  @Option(
      names = {"-h", "-help", "--help"},
      usageHelp = true,
      description = "Print this help and exit.")
  boolean help;
}
