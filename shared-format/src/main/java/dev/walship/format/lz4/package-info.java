/**
 * LZ4 frames as the layout stores them (docs/design.md §2): magic {@code 04 22 4D 18}, independent
 * 4 MiB blocks, content checksum on, block checksum off (Litestream v0.3.13 rejects block
 * checksums). Reading also accepts what the {@code lz4} CLI writes: 64 KiB to 4 MiB blocks, a
 * content-size field, no content checksum. Frames with linked blocks ({@code lz4 -BD}) are refused:
 * lz4-java cannot decode them, and neither Litestream nor walship writes them. lz4-java does the
 * work; this package only fixes its settings.
 */
package dev.walship.format.lz4;
