/** JSON string escaping, the one piece of JSON both programs write by hand. */
package dev.walship.toolkit.json;
