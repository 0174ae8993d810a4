package dev.sluice.cache;

import java.util.List;

/**
 * {@link WriteBackCache#invalidate()} dropped every entry it could, but these were pinned and
 * stayed resident (with their values and dirty state unchanged).
 */
public final class EntriesPinnedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;
    private final transient List<Object> keys;

    EntriesPinnedException(List<Object> keys) {
        super("cannot invalidate pinned entries, kept: " + keys);
        this.keys = List.copyOf(keys);
    }

    /** {@return the pinned keys that stayed in the cache} */
    public List<Object> keys() {
        return keys;
    }
}
