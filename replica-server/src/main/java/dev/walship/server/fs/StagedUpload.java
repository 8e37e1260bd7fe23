package dev.walship.server.fs;

import java.nio.file.Path;
import java.util.List;

/**
 * A client's write to a file, held in a hidden temporary file (in the staging directory of its
 * writable directory) until the client closes the handle; then it is published under the name the
 * client opened, resolved again at that moment.
 *
 * @param view the name the client opened, in the user's view
 * @param names the same, as the normalized names of the view
 * @param followFinal whether a final symbolic link (an administrator's) is followed
 * @param temporary the hidden host file that receives the bytes (0600 until it is published)
 * @param target the host path the name resolved to when the handle was opened (for messages)
 */
record StagedUpload(
    String view, List<String> names, boolean followFinal, Path temporary, Path target) {}
