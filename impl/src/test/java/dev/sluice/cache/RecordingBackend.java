package dev.sluice.cache;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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

        /** The position of an event in the one shared log, or -1. */
        synchronized int indexOf(String event) {
            return events.indexOf(event);
        }
    }

    /** A named gate on the write of one key: the writer parks there until it is opened. */
    private static final class Gate {
        final CountDownLatch arrived = new CountDownLatch(1);
        final CountDownLatch opened = new CountDownLatch(1);
    }

    private final Map<Integer, Gate> gates = new ConcurrentHashMap<>();

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

    /** The next write of {@code key} will park until {@link #open}. */
    void block(int key) {
        gates.put(key, new Gate());
    }

    /** Waits until a writer is parked at the gate of {@code key}; fails after 10 s. */
    void awaitBlocked(int key) throws InterruptedException {
        if (!gates.get(key).arrived.await(10, TimeUnit.SECONDS)) {
            throw new AssertionError("no write of " + name + key + " reached its gate in 10 s");
        }
    }

    void open(int key) {
        gates.remove(key).opened.countDown();
    }

    @Override
    public void write(Integer key, String value) throws IOException {
        Gate gate = gates.get(key);
        if (gate != null) {
            gate.arrived.countDown();
            try {
                if (!gate.opened.await(10, TimeUnit.SECONDS)) {
                    throw new IOException("gate of " + name + key + " never opened");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted at the gate of " + name + key);
            }
        }
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
