package dev.sluice.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The write-back cache as it appears to its callers, with no concurrency and no eviction: the
 * latest value of every key, what the backend holds, which keys are dirty and pinned, and the
 * flush-dependency edges. Eviction timing is not observable in the logical contents (an evicted
 * key reads back its latest value), so the model has none; the backend here is what the real
 * backend must hold after a successful flush.
 *
 * <p>Written from SPEC.md, not from {@code WriteBackCache}. Every write the model performs is
 * appended to a shared log as {@code "name:key=value"}, so a test can compare write orders.
 */
public final class CacheModel<K, V> {
    /** Thrown where the real cache throws CacheFullException. */
    public static final class Full extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Full(Object key) {
            super("cannot pin " + key + ": every slot is pinned");
        }
    }

    private final String name;
    private final int capacity;
    private final Function<K, V> initial;
    private final List<String> writeLog;
    private final Map<K, V> backend = new HashMap<>();
    private final Map<K, V> latest = new HashMap<>();
    private final Set<K> dirty = new LinkedHashSet<>();
    private final Map<K, Integer> pins = new HashMap<>();
    /** Targets this cache depends on, in the order the edges were added. */
    private final Set<CacheModel<?, ?>> dependsOn = new LinkedHashSet<>();

    /**
     * @param initial what the backend holds for a key never written
     * @param writeLog shared by models whose write order is compared; gets "name:key=value"
     */
    public CacheModel(String name, int capacity, Function<K, V> initial, List<String> writeLog) {
        this.name = name;
        this.capacity = capacity;
        this.initial = initial;
        this.writeLog = writeLog;
    }

    public CacheModel(String name, int capacity, Function<K, V> initial) {
        this(name, capacity, initial, new ArrayList<>());
    }

    public V get(K key) {
        return latest.containsKey(key) ? latest.get(key) : backendValue(key);
    }

    public void put(K key, V value) {
        latest.put(key, Objects.requireNonNull(value));
        dirty.add(key);
    }

    /** The atomic update of SPEC §2: the function sees the latest value; its result is put. */
    public V update(K key, UnaryOperator<V> change) {
        V changed = Objects.requireNonNull(change.apply(get(key)));
        put(key, changed);
        return changed;
    }

    /** Pins a key; at most {@code capacity} distinct keys at once. */
    public V pin(K key) {
        if (!pins.containsKey(key) && pins.size() == capacity) {
            throw new Full(key);
        }
        pins.merge(key, 1, Integer::sum);
        return get(key);
    }

    public void unpin(K key) {
        pins.computeIfPresent(key, (k, n) -> n == 1 ? null : n - 1);
    }

    /** Dependencies first (each written in full, consuming the edge), then every dirty key. */
    public void flush() {
        flushDependencies();
        for (K key : new ArrayList<>(dirty)) {
            write(key);
        }
    }

    /** The model's dependOn: the sink rule of SPEC I-DAG. */
    public void dependOn(CacheModel<?, ?> other) {
        if (other == this) {
            throw new IllegalArgumentException("a cache cannot depend on itself");
        }
        if (!dependsOn.contains(other) && !other.dependsOn.isEmpty()) {
            other.flushDependencies();
        }
        dependsOn.add(other);
    }

    /** Drops every unpinned key's unwritten value; returns the pinned keys that stayed. */
    public Set<K> invalidate() {
        Set<K> kept = new LinkedHashSet<>();
        for (K key : new ArrayList<>(latest.keySet())) {
            if (pins.containsKey(key)) {
                kept.add(key);
            } else {
                latest.remove(key);
                dirty.remove(key);
            }
        }
        if (kept.isEmpty()) {
            dependsOn.clear();
        }
        return kept;
    }

    public V backendValue(K key) {
        return backend.containsKey(key) ? backend.get(key) : initial.apply(key);
    }

    public Map<K, V> backend() {
        return new LinkedHashMap<>(backend);
    }

    public Set<K> dirtyKeys() {
        return new LinkedHashSet<>(dirty);
    }

    public Set<CacheModel<?, ?>> dependencies() {
        return new LinkedHashSet<>(dependsOn);
    }

    public int pinnedKeys() {
        return pins.size();
    }

    public String name() {
        return name;
    }

    private void flushDependencies() {
        for (CacheModel<?, ?> target : new ArrayList<>(dependsOn)) {
            target.flush();
            dependsOn.remove(target);
        }
    }

    private void write(K key) {
        V value = latest.get(key);
        backend.put(key, value);
        dirty.remove(key);
        writeLog.add(name + ":" + key + "=" + value);
    }

    @Override
    public String toString() {
        return "CacheModel[" + name + "]";
    }
}
