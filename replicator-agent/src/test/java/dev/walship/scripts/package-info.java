/** Tests of the shell scripts under {@code scripts/}: install, keygen. */
package dev.walship.scripts;
