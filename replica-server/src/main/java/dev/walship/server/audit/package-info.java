/**
 * How text a client chose (user names, subsystem names, paths, and reasons that quote them) reaches
 * the server's log: through {@link dev.walship.server.audit.LogText}, the one escaping function of
 * every audit and session line, so that no value can end a line, start a forged one, or pass for
 * another field.
 */
package dev.walship.server.audit;
