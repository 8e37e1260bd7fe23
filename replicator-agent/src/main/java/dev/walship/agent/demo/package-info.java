/**
 * The demo's application: the few SQL statements {@code scripts/demo} runs against {@code
 * fruits.db}, so the demo needs nothing but Java (no {@code sqlite3} on a fresh machine).
 */
package dev.walship.agent.demo;
