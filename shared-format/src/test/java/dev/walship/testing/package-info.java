/**
 * Test helpers shared by every module's tests (shipped as the shared-format test-jar): locating the
 * real tools the suite runs against, running processes with timeouts, making SSH keys.
 */
package dev.walship.testing;
