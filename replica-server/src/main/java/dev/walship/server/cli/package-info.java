/**
 * The {@code replica-server} command line (picocli): one class per subcommand ({@code serve},
 * {@code fingerprint}, {@code check-config}), all reading the configuration named by {@code -config
 * FILE}, else {@code $REPLICA_SERVER_CONFIG}, else {@code /etc/replica-server.yml}. Operator
 * mistakes print one line and exit 1; usage errors exit 2.
 */
package dev.walship.server.cli;
