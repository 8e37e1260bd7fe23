package dev.walship.format.catalog;

import java.time.Instant;

/**
 * A leftover temporary file of the layout ({@code <final name>.tmp}): an upload that did not
 * finish, or one in flight.
 *
 * @param path relative to the replica root
 */
public record Temporary(String path, Instant modified) {}
