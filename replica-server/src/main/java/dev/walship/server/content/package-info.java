/**
 * Content validation of uploads into a replica tree: a finished snapshot or WAL segment must pass
 * shared-format's {@link dev.walship.format.validate.ContentCheck} before it may appear under its
 * final name. {@link dev.walship.server.content.ContentValidator} is the hook the file layer calls;
 * {@link dev.walship.server.content.LayoutContentValidator} implements it, finding a segment's
 * context (its index's WAL header and the checksum chain so far) in the segments already on disk.
 * Age-encrypted uploads ({@code AgeUploads}) are checked for their envelope, name and place only.
 */
package dev.walship.server.content;
