package dev.sluice.cache;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * An in-memory backend that records every call, in one log shared by the backends of a test (so
 * the order of write-backs across caches can be checked), and fails on demand.
 */
final class RecordingBackend implements Backend<Integer, String> {
    /** One backend call: {@code "load A1"}, {@code "write B2=x"}, {@code "discard A1=y dirty"}. */
    static class Log {
        final List<String> events = new ArrayList<>();

        synchronized void add(String event) {
            events.add(event);
        }

        synchronized List<String> snapshot() {
            return List.copyOf(events);
        }

        synchronized List<String> writes() {
            return events.stream().filter(e -> e.startsWith("write ")).toList();
        }
    }

    final String name;
    final Log log;
    final Map<Integer, String> stored = new ConcurrentHashMap<>();
    final Set<Integer> failingWrites = ConcurrentHashMap.newKeySet();
    final Set<Integer> failingLoads = ConcurrentHashMap.newKeySet();
    volatile Predicate<Integer> beforeWrite = key -> true;

    RecordingBackend(String name, Log log) {
        this.name = name;
        this.log = log;
    }

    RecordingBackend(String name) {
        this(name, new Log());
    }

    @Override
    public String load(Integer key) throws IOException {
        log.add("load " + name + key);
        if (failingLoads.contains(key)) {
            throw new IOException("injected load failure of " + name + key);
        }
        return stored.getOrDefault(key, "initial" + key);
    }

    @Override
    public void write(Integer key, String value) throws IOException {
        beforeWrite.test(key);
        if (failingWrites.contains(key)) {
            log.add("failed write " + name + key + "=" + value);
            throw new IOException("injected write failure of " + name + key);
        }
        stored.put(key, value);
        log.add("write " + name + key + "=" + value);
    }

    @Override
    public void discarded(Integer key, String value, boolean wasDirty) {
        log.add("discard " + name + key + "=" + value + (wasDirty ? " dirty" : " clean"));
    }

    long loads() {
        return log.snapshot().stream().filter(e -> e.startsWith("load " + name)).count();
    }
}
