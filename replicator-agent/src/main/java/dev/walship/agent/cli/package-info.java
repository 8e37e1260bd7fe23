/**
 * The {@code replicator} command line: one picocli class per command ({@code databases}, {@code
 * version}, …), Litestream-style single-dash flags ({@code -config}, {@code -no-expand-env}), exit
 * codes 0 ok, 1 operator error, 2 usage. Commands get their environment through {@link
 * dev.walship.agent.cli.CliContext}.
 */
package dev.walship.agent.cli;
