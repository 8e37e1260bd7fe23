/**
 * The push heartbeat for dead-man's-switch monitors ({@code heartbeat-url}, {@code
 * heartbeat-interval}): {@link dev.walship.agent.heartbeat.Heartbeat}.
 */
package dev.walship.agent.heartbeat;
