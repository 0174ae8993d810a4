package dev.sluice.fray;

import dev.sluice.cache.Backend;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A backend that appends every write to one log shared by the backends of a scenario, so the
 * order in which writes of different caches reached storage can be checked (SPEC I-DEP-ORDER is
 * judged on that one total order).
 */
final class LoggedBackend implements Backend<Integer, String> {
    /** The shared, totally ordered log of writes: {@code "A1=a1"}. */
    static final class Log {
        private final List<String> writes = new ArrayList<>();

        synchronized void add(String write) {
            writes.add(write);
        }

        synchronized List<String> writes() {
            return List.copyOf(writes);
        }

        /** The position of the first write of {@code write}, or -1. */
        synchronized int indexOf(String write) {
            return writes.indexOf(write);
        }
    }

    private final String name;
    private final Log log;
    final Map<Integer, String> stored = new ConcurrentHashMap<>();

    LoggedBackend(String name, Log log) {
        this.name = name;
        this.log = log;
    }

    @Override
    public String load(Integer key) {
        return stored.getOrDefault(key, "initial");
    }

    @Override
    public void write(Integer key, String value) {
        stored.put(key, value);
        log.add(name + key + "=" + value);
    }
}
