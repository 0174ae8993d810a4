package dev.sluice.cache;

import java.io.IOException;

/**
 * The I/O a {@link WriteBackCache} is bound to. Calls come from any thread, never while the cache
 * holds a lock. A backend must not call back into a cache.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface Backend<K, V> {
    /**
     * Reads the stored value of {@code key}. Called on a miss, on the thread that missed.
     *
     * @param key the key
     * @return the stored value; must not be null (a null fails the get with an exception)
     * @throws IOException if the value cannot be read; the get that caused the load throws it
     */
    V load(K key) throws IOException;

    /**
     * Stores {@code value} as the value of {@code key}. Called only for dirty entries, at most one
     * call per key at a time, and only after the cache's dependencies were written back. The
     * value may be changed in place (by {@link WriteBackCache#update}) once this returns, so read
     * all of it before returning and keep no reference to it.
     *
     * @param key the key
     * @param value the key's latest value when the write-back began
     * @throws IOException if the value was not stored; the entry stays dirty and is retried
     *     (SPEC I-NO-LOST-DIRTY)
     */
    void write(K key, V value) throws IOException;

    /**
     * Told about every entry that {@link WriteBackCache#invalidate()} drops without writing it
     * back, so that the owner can release what the value holds. Must not throw (if it does, the
     * other entries are still dropped and the first such exception is rethrown).
     *
     * @param key the dropped key
     * @param value its value when it was dropped
     * @param wasDirty whether that value had not been written back (it is now lost, by request)
     */
    default void discarded(K key, V value, boolean wasDirty) {}
}
