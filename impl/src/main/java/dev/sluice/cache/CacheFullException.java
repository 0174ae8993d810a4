package dev.sluice.cache;

/**
 * A pin needed a slot, and every one of the cache's {@code capacity} slots is held by a pinned
 * entry. Nothing changed: close a pin and try again, or size the cache for the pins it must hold.
 */
public final class CacheFullException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    CacheFullException(Object key, int capacity) {
        super("cannot pin " + key + ": all " + capacity + " slots of the cache are pinned");
    }
}
