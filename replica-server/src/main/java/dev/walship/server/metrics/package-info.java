/**
 * The server's Prometheus metrics ({@code metrics-addr}; off when unset): {@link
 * dev.walship.server.metrics.ServerMetrics}, counted from the audit log's events.
 */
package dev.walship.server.metrics;
