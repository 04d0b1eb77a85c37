/**
 * The Spring libraries real services put on their DataSource, each on kiwi-db as an application
 * uses it, one package a library.
 */
package io.kiwistack.db.compatibility;
