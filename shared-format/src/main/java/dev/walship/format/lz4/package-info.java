/**
 * LZ4 frames as the layout stores them (docs/design.md §2): magic {@code 04 22 4D 18}, independent
 * 4 MiB blocks, content checksum on, block checksum off (Litestream v0.3.13 rejects block
 * checksums). Reading also accepts what the {@code lz4} CLI writes: 64 KiB to 4 MiB blocks, a
 * content-size field, no content checksum, block checksums, skippable frames. Frames with linked
 * blocks ({@code lz4 -BD}) are refused: lz4-java cannot decode them, and neither Litestream nor
 * walship writes them. lz4-java does the block and checksum work; this package fixes its settings
 * and, for one frame per small file, reads and writes the frame format itself reusing buffers
 * ({@code Lz4FrameReader}, {@link dev.walship.format.lz4.Lz4FrameWriter}): what it reads is exactly
 * what lz4-java's {@code LZ4FrameInputStream} reads.
 */
package dev.walship.format.lz4;
