package dev.sluice.cache;

import java.io.IOException;

/**
 * The I/O a {@link WriteBackCache} is bound to. Calls come from any thread, never while the cache
 * holds a lock. A backend must not call back into a cache.
 */
public interface Backend<K, V> {
    /** Reads the stored value of {@code key}. Must not return null. */
    V load(K key) throws IOException;

    /**
     * Stores {@code value} as the value of {@code key}. Called only for dirty entries, at most one
     * call per key at a time, and only after the cache's dependencies were written back.
     */
    void write(K key, V value) throws IOException;

    /**
     * Told about every entry that {@link WriteBackCache#invalidate()} drops without writing it
     * back, so that the owner can release what the value holds. Must not throw.
     */
    default void discarded(K key, V value, boolean wasDirty) {}
}
