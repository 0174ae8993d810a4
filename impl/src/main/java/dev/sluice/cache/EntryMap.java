package dev.sluice.cache;

import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * The key → entry map and the operations on one key ({@code get}, {@code pin}, {@code update},
 * {@code put}): what a miss loads, how a loading or retired entry is waited for or looked past,
 * and which event each operation records for maintenance. {@link WriteBackCache} documents them
 * (SPEC §2); this class holds their loops, so that the cache reads as its API.
 */
final class EntryMap<K, V> {
    final ConcurrentHashMap<K, Node<K, V>> data = new ConcurrentHashMap<>();
    final AtomicInteger pinnedKeys = new AtomicInteger();
    private final Backend<K, V> backend;
    private final int capacity;
    private final WriteBackCache<K, V> cache; // records the events and unpins

    EntryMap(Backend<K, V> backend, int capacity, WriteBackCache<K, V> cache) {
        this.backend = backend;
        this.capacity = capacity;
        this.cache = cache;
    }

    V get(K key) throws IOException {
        Objects.requireNonNull(key, "key");
        for (;;) {
            Node<K, V> node = data.get(key);
            if (node == null) {
                node = loadMiss(key);
                if (node == null) {
                    continue; // another thread inserted the key first
                }
                return node.value();
            }
            // The map's get happens-after the put that inserted the node, and value is volatile:
            // a hit sees the latest completed replace() without taking the node's monitor.
            V value = node.value();
            if (value != null) {
                cache.recordRead(node);
                return value;
            }
            if (node.awaitResident()) {
                return node.value();
            }
            unmapRetired(node);
        }
    }

    Pin<V> pin(K key) throws IOException {
        Objects.requireNonNull(key, "key");
        for (;;) {
            Node<K, V> node = data.get(key);
            if (node == null) {
                if (pinnedKeys.get() >= capacity) {
                    throw new CacheFullException(key, capacity); // don't load what can't be pinned
                }
                node = loadMiss(key);
                if (node == null) {
                    continue;
                }
            } else if (!node.awaitResident()) {
                unmapRetired(node); // its load failed, or it was evicted: look again
                continue;
            }
            // Atomic with eviction's check under the node monitor: a pin never holds a retired
            // node (I-PIN-RESIDENT; PinEvictStress).
            if (node.tryPin(pinnedKeys, capacity)) {
                cache.recordRead(node);
                Node<K, V> pinned = node;
                return new Pin<>(pinned, () -> cache.recordRead(pinned), () -> cache.unpin(pinned));
            }
            unmapRetired(node);
        }
    }

    V update(K key, UnaryOperator<V> change) throws IOException {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(change, "change");
        for (;;) {
            Node<K, V> node = data.get(key);
            if (node == null) {
                node = loadMiss(key);
                if (node == null) {
                    continue;
                }
            } else if (!node.awaitResident()) {
                unmapRetired(node);
                continue;
            }
            V changed = node.update(change);
            if (changed != null) {
                cache.recordRead(node); // like a put of a resident key: recency only (SPEC §4)
                return changed;
            }
            unmapRetired(node);
        }
    }

    void put(K key, V value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        for (;;) {
            Node<K, V> node = data.get(key);
            if (node == null) {
                Node<K, V> fresh = Node.dirty(key, value);
                if (data.putIfAbsent(key, fresh) == null) {
                    cache.recordWrite(fresh);
                    return;
                }
            } else if (node.replace(value)) {
                // An update changes neither membership nor size, only recency and the dirty flag
                // (which lives on the node), so it is recorded like a read: lossy, no drain
                // scheduled (as Caffeine 3.2.4's put does for same-weight updates). Admissions and
                // retirements stay lossless writes.
                cache.recordRead(node);
                return;
            } else {
                unmapRetired(node);
            }
        }
    }

    /** Loads an absent key (see {@link Node#loadAbsent}); null if it appeared first. */
    private Node<K, V> loadMiss(K key) throws IOException {
        Node<K, V> node = Node.loadAbsent(data, backend, key);
        if (node != null) {
            cache.recordWrite(node); // the admission: lossless, so the policy always learns of it
        }
        return node;
    }

    /**
     * A retired node is removed from the map by whoever retired it; if that removal threw (a key
     * whose hashCode failed during eviction), a caller who finds it removes it, so that nobody
     * loops on it (SPEC §2.3, entry life cycle).
     */
    private void unmapRetired(Node<K, V> node) {
        if (node.state() == Node.State.RETIRED) {
            data.remove(node.key, node);
        }
    }
}
