/**
 * The configuration toolkit both programs read their files with: YAML composed into nodes ({@link
 * dev.walship.toolkit.config.YamlFile}) and walked with each key's place ({@link
 * dev.walship.toolkit.config.YamlMapping}), unknown keys refused with a suggestion ({@link
 * dev.walship.toolkit.config.Keys}), Go-style durations ({@link
 * dev.walship.toolkit.config.GoDuration}, {@code 1h30m}), {@code host:port} ({@link
 * dev.walship.toolkit.config.HostPort}), and the one error type ({@link
 * dev.walship.toolkit.config.ConfigException}) whose message is one line {@code file:line: key:
 * problem}.
 */
package dev.walship.toolkit.config;
