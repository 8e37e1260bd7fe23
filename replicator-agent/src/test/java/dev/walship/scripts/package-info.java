/** Tests of the repository itself: the shell scripts under {@code scripts/} and the documents. */
package dev.walship.scripts;
