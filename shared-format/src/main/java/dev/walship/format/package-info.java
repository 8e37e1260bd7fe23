/** The Litestream v0.3.13 replica layout, shared by replica-server and replicator. */
package dev.walship.format;
