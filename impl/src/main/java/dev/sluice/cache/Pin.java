package dev.sluice.cache;

import java.util.function.UnaryOperator;

/**
 * Keeps one entry resident until closed (SPEC I-PIN-RESIDENT): a pinned entry is never evicted
 * or invalidated, so its value can be read, replaced ({@link #set}) and changed in place
 * ({@link #update}). Owned by one thread; close it
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
     * Changes the value atomically, like {@link WriteBackCache#update}: {@code change} runs with
     * the entry's update claim held, so no write-back of it is in flight meanwhile and it may
     * change the value in place. This is how a pin holder changes a value in place; changing the
     * object returned by {@link #value()} directly would race with a write-back in flight.
     *
     * @param change computes the new value from the current one; may change it in place; must not
     *     call into any cache
     * @return the new value
     * @throws IllegalStateException if the pin is closed
     * @throws NullPointerException if {@code change} returned null (the entry is marked dirty)
     */
    public V update(UnaryOperator<V> change) {
        checkOpen();
        if (change == null) {
            throw new NullPointerException("change");
        }
        V changed = node.update(change); // never retired while pinned, so never null
        recordUpdate.run();
        return changed;
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
