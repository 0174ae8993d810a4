package dev.sluice.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * One cache with its eviction policy, single-threaded, for comparing exact eviction order
 * (SPEC I-LRU). Written from SPEC.md section 4: resident keys in access order, least recent first.
 * Reads and updates of resident keys refresh recency; admissions, and an unpin that leaves the
 * cache over capacity, run a drain, which evicts the first {@code size - capacity} unpinned keys
 * from the least recent end (a pinned key met on the way moves to the most recent end), writing
 * back the dirty ones first, in that order. Keys are iterated in ascending order where the cache
 * iterates its map (flush, invalidate).
 */
public final class LruModel {
    private final int capacity;
    private final Function<Integer, String> initial;
    private final List<Integer> order = new ArrayList<>();
    private final Map<Integer, String> values = new HashMap<>();
    private final Set<Integer> dirty = new LinkedHashSet<>();
    private final Map<Integer, Integer> pins = new HashMap<>();
    private final Map<Integer, String> backend = new HashMap<>();
    private final List<String> writes = new ArrayList<>();

    public LruModel(int capacity, Function<Integer, String> initial) {
        this.capacity = capacity;
        this.initial = initial;
    }

    public String get(int key) {
        if (values.containsKey(key)) {
            touch(key);
            return values.get(key);
        }
        String loaded = backend.getOrDefault(key, initial.apply(key));
        admit(key, loaded, false);
        return loaded;
    }

    public void put(int key, String value) {
        if (values.containsKey(key)) {
            values.put(key, value); // an update: recency only, no drain
            dirty.add(key);
            touch(key);
        } else {
            admit(key, value, true);
        }
    }

    /** @throws CacheModel.Full when {@code capacity} other keys are pinned */
    public String pin(int key) {
        boolean resident = values.containsKey(key);
        if (!pins.containsKey(key) && pins.size() >= capacity) {
            throw new CacheModel.Full(key);
        }
        String value = resident ? values.get(key) : get(key);
        pins.merge(key, 1, Integer::sum);
        touch(key);
        return value;
    }

    /** A set through an open pin of {@code key}. */
    public void setPinned(int key, String value) {
        put(key, value);
    }

    public void unpin(int key) {
        pins.computeIfPresent(key, (k, n) -> n == 1 ? null : n - 1);
        if (values.size() > capacity) {
            drain();
        }
    }

    public void flush() {
        for (int key : new TreeMap<>(values).keySet()) {
            if (dirty.contains(key)) {
                writeBack(key);
            }
        }
    }

    /** @return the pinned keys that were kept, ascending */
    public List<Integer> invalidate() {
        List<Integer> kept = new ArrayList<>();
        for (int key : new TreeMap<>(values).keySet()) {
            if (pins.containsKey(key)) {
                kept.add(key);
            } else {
                values.remove(key);
                dirty.remove(key);
                order.remove(Integer.valueOf(key));
            }
        }
        return kept;
    }

    public void cleanUp() {
        drain();
    }

    public Set<Integer> resident() {
        return new LinkedHashSet<>(values.keySet());
    }

    public int dirtyCount() {
        return dirty.size();
    }

    /** Every backend write so far, "key=value". */
    public List<String> writes() {
        return new ArrayList<>(writes);
    }

    private void admit(int key, String value, boolean isDirty) {
        values.put(key, value);
        if (isDirty) {
            dirty.add(key);
        }
        order.add(key);
        drain();
    }

    private void touch(int key) {
        order.remove(Integer.valueOf(key));
        order.add(key);
    }

    private void drain() {
        int excess = values.size() - capacity;
        List<Integer> victims = new ArrayList<>();
        for (int key : new ArrayList<>(order)) {
            if (excess <= 0) {
                break;
            }
            if (pins.containsKey(key)) {
                touch(key);
            } else {
                victims.add(key);
                excess--;
            }
        }
        for (int key : victims) {
            if (dirty.contains(key)) {
                writeBack(key);
            }
        }
        for (int key : victims) {
            values.remove(key);
            order.remove(Integer.valueOf(key));
        }
    }

    private void writeBack(int key) {
        backend.put(key, values.get(key));
        dirty.remove(key);
        writes.add(key + "=" + values.get(key));
    }
}
