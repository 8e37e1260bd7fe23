/**
 * Names of the replica layout, byte-compatible with Litestream v0.3.13.
 *
 * <pre>
 * &lt;root&gt;/generations/&lt;16 hex&gt;/snapshots/&lt;%08x index&gt;.snapshot.lz4
 * &lt;root&gt;/generations/&lt;16 hex&gt;/wal/&lt;%08x index&gt;_&lt;%08x offset&gt;.wal.lz4
 * </pre>
 *
 * <p>This package is the only place that formats or parses these names: {@link
 * dev.walship.format.layout.Generation}, {@link dev.walship.format.layout.SnapshotName}, {@link
 * dev.walship.format.layout.WalSegmentName} and {@link dev.walship.format.layout.Position} are
 * immutable values that round-trip through {@code parse}/{@code format}; {@link
 * dev.walship.format.layout.PathClassifier} says what any relative path under a replica root is,
 * with the reason when it is not part of the layout. Paths are always relative, {@code /}-separated
 * strings; stores map them onto their own namespace.
 */
package dev.walship.format.layout;
