package dev.sluice.cache;

/**
 * Keeps one entry resident until closed (SPEC I-PIN-RESIDENT): a pinned entry is never evicted
 * or invalidated, so its value can be read and changed in place. Owned by one thread; close it
 * once, preferably with try-with-resources. Any use after {@link #close()} throws.
 *
 * @param <V> the value type
 */
public final class Pin<V> implements AutoCloseable {
    private final Node<?, V> node;
    private final Runnable recordUpdate;
    private final Runnable unpin;
    private boolean closed;

    Pin(Node<?, V> node, Runnable recordUpdate, Runnable unpin) {
        this.node = node;
        this.recordUpdate = recordUpdate;
        this.unpin = unpin;
    }

    /**
     * Reads the entry's value. Treat it as read-only: a change made to it in place could be
     * written half done by a write-back in flight; change it with {@link #set} instead.
     *
     * @return the entry's current value
     * @throws IllegalStateException if the pin is closed
     */
    public V value() {
        checkOpen();
        return node.value();
    }

    /**
     * Replaces the value and marks the entry dirty, like {@link WriteBackCache#put}.
     *
     * @param value the new value, not null
     * @throws IllegalStateException if the pin is closed
     */
    public void set(V value) {
        checkOpen();
        if (value == null) {
            throw new NullPointerException("value");
        }
        node.replace(value); // never retired while pinned, so this always succeeds
        recordUpdate.run();
    }

    /**
     * Marks the entry dirty after its value was changed in place. Call it after the change: a
     * write-back that began before it may have written a partly changed value, and this makes
     * sure a later one writes the finished value.
     */
    public void markDirty() {
        checkOpen();
        node.markDirty();
        recordUpdate.run();
    }

    /** Releases the pin; the entry may be evicted from now on. A second call does nothing. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            unpin.run();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("pin of " + node.key + " is closed");
        }
    }
}
