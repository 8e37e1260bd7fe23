/**
 * The server's configuration: the YAML file's shape ({@link
 * dev.walship.server.config.ConfigLoader}), the values it yields ({@link
 * dev.walship.server.config.ServerConfig}, one {@link dev.walship.server.config.UserConfig} per
 * user with the {@code defaults} and {@code %u} applied, {@link dev.walship.server.config.Limits}),
 * and the checks against the file system that run once before the server starts ({@link
 * dev.walship.server.config.ConfigChecks}). Every error is one line naming the file, the key and
 * its line.
 */
package dev.walship.server.config;
