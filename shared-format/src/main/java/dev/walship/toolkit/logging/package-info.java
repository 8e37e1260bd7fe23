/**
 * Logging of the two programs, configured in code on logback: text or JSON lines ({@link
 * dev.walship.toolkit.logging.LogFormat}), standard output or error, a level. Libraries log through
 * slf4j-api only; see {@link dev.walship.toolkit.logging.Logging}.
 */
package dev.walship.toolkit.logging;
