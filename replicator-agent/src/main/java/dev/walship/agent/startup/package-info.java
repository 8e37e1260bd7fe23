/**
 * Start-up speed: {@link dev.walship.agent.startup.CdsTraining}, the run that fills the
 * class-data-sharing archive the launchers pass to the JVM ({@code scripts/lib.sh}), so a {@code
 * replicator restore} does not spend its first second loading and verifying classes.
 */
package dev.walship.agent.startup;
