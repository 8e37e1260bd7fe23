package dev.walship.server.fs;

import dev.walship.format.layout.PathClass;
import java.nio.file.Path;

/**
 * A client's write to a final snapshot or segment name, held in a hidden temporary file until the
 * client closes it.
 *
 * @param view the final name in the user's view
 * @param target the real host path of the final name
 * @param temporary the hidden host file that receives the bytes
 * @param layout what the final name is in the layout (a snapshot or a segment)
 */
record StagedUpload(String view, Path target, Path temporary, PathClass layout) {}
