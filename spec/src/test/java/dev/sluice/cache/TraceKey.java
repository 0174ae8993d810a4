package dev.sluice.cache;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A trace's key: an integer whose {@code hashCode} throws while a {@code fail-hash K on} step has
 * it armed (SPEC §6: keys whose {@code hashCode} or {@code equals} throw are a hostile input the
 * cache must survive without spinning or losing a dirty value).
 */
record TraceKey(int id) {
    /** Armed keys; traces run one at a time, and each world starts with none. */
    static final Set<Integer> UNHASHABLE = ConcurrentHashMap.newKeySet();

    @Override
    public int hashCode() {
        if (UNHASHABLE.contains(id)) {
            throw new IllegalStateException("the hashCode of key " + id + " throws (fail-hash)");
        }
        return id;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TraceKey key && key.id == id;
    }

    @Override
    public String toString() {
        return String.valueOf(id);
    }
}
