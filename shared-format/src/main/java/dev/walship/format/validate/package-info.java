/**
 * Content checks of the layout's files, shared by the server (which refuses an invalid upload) and
 * the agent (which refuses to restore from one): a WAL segment decodes to whole frames (plus the
 * WAL header at offset 0) whose salts match its index and whose checksums chain; a snapshot decodes
 * to a plausible SQLite database file. Errors name the file and say expected vs actual.
 */
package dev.walship.format.validate;
