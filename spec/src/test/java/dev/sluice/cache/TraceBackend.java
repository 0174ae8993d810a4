package dev.sluice.cache;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A trace's backend for one cache. Every call it completes is appended to the log that all
 * backends of the trace share, so that the order of writes across caches (I-DEP-ORDER) is judged
 * on one total order. A key never written loads as {@code <cache><key>@0}. Faults and gates are
 * set by the trace's steps (PORTING.md, "Faults" and "Staging").
 */
final class TraceBackend implements Backend<TraceKey, String> {
    /** The one log of backend events of a trace. */
    static final class Log {
        private final List<String> events = new ArrayList<>();
        private int taken;

        synchronized void add(String event) {
            events.add(event);
        }

        /** The events logged since the last call. */
        synchronized List<String> takeNew() {
            List<String> fresh = List.copyOf(events.subList(taken, events.size()));
            taken = events.size();
            return fresh;
        }
    }

    private static final class Gate {
        final CountDownLatch arrived = new CountDownLatch(1);
        final CountDownLatch opened = new CountDownLatch(1);
    }

    final String name;
    private final Log log;
    final Map<Integer, String> stored = new ConcurrentHashMap<>();
    private final Map<Integer, Gate> gates = new ConcurrentHashMap<>();
    private final Map<Integer, String> failNextWrite = new ConcurrentHashMap<>();
    volatile boolean failWrites;
    volatile boolean failLoads;

    TraceBackend(String name, Log log) {
        this.name = name;
        this.log = log;
    }

    @Override
    public String load(TraceKey traceKey) throws IOException {
        int key = traceKey.id();
        if (failLoads) {
            log.add("load " + name + " " + key + " failed");
            throw new IOException("load(" + name + "," + key + ")");
        }
        log.add("load " + name + " " + key);
        return stored.getOrDefault(key, name + key + "@0");
    }

    @Override
    public void write(TraceKey traceKey, String value) throws IOException {
        int key = traceKey.id();
        Gate gate = gates.get(key);
        if (gate != null) { // open() removes it
            gate.arrived.countDown();
            try {
                if (!gate.opened.await(20, TimeUnit.SECONDS)) {
                    throw new AssertionError("trace: the gate on write " + name + " " + key + " was never opened");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted at the gate of write " + name + " " + key, e);
            }
        }
        String failure = failNextWrite.remove(key);
        if (failure == null && failWrites) {
            failure = "io";
        }
        if (failure != null) {
            log.add("write " + name + " " + key + "=" + value + " failed");
            if (failure.equals("error")) {
                throw new InjectedError("write(" + name + "," + key + ")");
            }
            throw new IOException("write(" + name + "," + key + ")");
        }
        stored.put(key, value);
        log.add("write " + name + " " + key + "=" + value);
    }

    @Override
    public void discarded(TraceKey key, String value, boolean wasDirty) {
        log.add("discarded " + name + " " + key + "=" + value + (wasDirty ? " dirty" : " clean"));
    }

    /** An {@code Error} from a backend (SPEC §6): a victim's write-back must survive it too. */
    static final class InjectedError extends Error {
        private static final long serialVersionUID = 1L;

        InjectedError(String message) {
            super(message);
        }
    }

    void failNextWrite(int key, String kind) {
        failNextWrite.put(key, kind);
    }

    void heal() {
        failNextWrite.clear();
        failWrites = false;
        failLoads = false;
    }

    // ---- staging: named gates on the write of one key ----

    void block(int key) {
        gates.put(key, new Gate());
    }

    /** Waits (at most 10 s) until a writer is parked at the gate of {@code key}. */
    boolean awaitBlocked(int key) throws InterruptedException {
        Gate gate = gates.get(key);
        return gate != null && gate.arrived.await(10, TimeUnit.SECONDS);
    }

    /** Lets the parked writer go on; false if nobody is parked at the gate. */
    boolean open(int key) {
        Gate gate = gates.get(key);
        if (gate == null || gate.arrived.getCount() != 0) {
            return false;
        }
        gates.remove(key);
        gate.opened.countDown();
        return true;
    }
}
