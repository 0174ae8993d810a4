package dev.sluice.cache;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * The caches, backends, machines, pins and threads of one trace, and the commands on them
 * (PORTING.md gives each command and its output). {@link #step} runs one command and returns its
 * output: the result line, the backend events it caused, then the state line of every cache and
 * machine.
 */
final class TraceWorld {
    private final TraceBackend.Log log = new TraceBackend.Log();
    private final Map<String, WriteBackCache<TraceKey, String>> caches = new LinkedHashMap<>();
    private final Map<String, TraceBackend> backends = new LinkedHashMap<>();
    private final Map<String, TraceExecutor> executors = new LinkedHashMap<>();
    private final Map<String, Set<Integer>> keysSeen = new LinkedHashMap<>();
    private final Map<String, TraceMachine> machines = new LinkedHashMap<>();
    private final Map<String, Pin<String>> pins = new LinkedHashMap<>();
    private final Map<String, TraceThread> threads = new LinkedHashMap<>();
    private final Map<String, CountDownLatch[]> updateGates = new ConcurrentHashMap<>();

    private static final Set<String> KEYED = Set.of("get", "put", "update", "pin", "store", "fail-next-write");

    /** Commands whose backend events SPEC leaves in any order within one cache. */
    private static final Set<String> FREE_ORDER = Set.of("flush", "evict-all", "invalidate", "depend-on");

    TraceWorld() {
        TraceKey.UNHASHABLE.clear();
    }

    List<String> step(String command) throws Exception {
        String[] words = command.split("\\s+");
        String result;
        String freeOrder = words[0];
        if (words[0].equals("spawn")) {
            threads.put(words[1], new TraceThread(words[1], words[2], () -> operation(Arrays.copyOfRange(words, 2, words.length))));
            result = null; // known once the thread has settled
        } else if (words[0].equals("join")) {
            TraceThread thread = threads.remove(words[1]);
            if (thread == null) {
                throw new IllegalArgumentException("no thread " + words[1] + " to join");
            }
            result = thread.join();
            freeOrder = thread.verb();
        } else {
            result = operation(words);
        }
        for (TraceThread thread : threads.values()) {
            thread.settle();
        }
        if (result == null) { // spawn: did the operation finish, or does it wait (at a gate, for a claim)?
            result = threads.get(words[1]).finished() ? "ok finished" : "ok waiting";
        }
        List<String> output = new ArrayList<>();
        output.add(result);
        output.addAll(group(log.takeNew(), FREE_ORDER.contains(freeOrder)));
        caches.keySet().forEach(name -> output.add(state(name)));
        machines.values().forEach(machine -> output.add(machine.state()));
        return output;
    }

    /** Every thread a trace started must have been joined: a trace ends with nothing in flight. */
    List<String> unjoined() {
        return List.copyOf(threads.keySet());
    }

    /** Runs one operation on this thread; the result line, errors as codes. */
    private String operation(String[] w) {
        try {
            return run(w);
        } catch (Throwable t) {
            return "error " + TraceErrors.code(t);
        }
    }

    private String run(String[] w) throws Exception {
        String verb = w[0];
        if (verb.equals("cache")) {
            return create(w);
        }
        if (verb.equals("machine")) {
            machines.put(w[1], new TraceMachine(w[1], Integer.parseInt(option(w, "batch", "64")),
                    TraceExecutor.parse(option(w, "executor", "queueing"))));
            return "ok";
        }
        if (verb.equals("fail-hash")) { // fail-hash K on|off: key K's hashCode throws, in every cache
            if (w[2].equals("on")) {
                TraceKey.UNHASHABLE.add(Integer.parseInt(w[1]));
            } else {
                TraceKey.UNHASHABLE.remove(Integer.parseInt(w[1]));
            }
            return "ok";
        }
        if (verb.startsWith("pin-") || verb.equals("unpin")) {
            return pinCommand(verb, w);
        }
        if (machines.containsKey(w[1])) {
            if (verb.equals("run-task")) {
                return machines.get(w[1]).executor.runOne() ? "ok" : "error NoTaskQueued";
            }
            return machines.get(w[1]).run(verb, w);
        }
        if (verb.equals("block") || verb.equals("await-blocked") || verb.equals("open")) {
            return gate(verb, w[1], w[2], Integer.parseInt(w[3]));
        }
        WriteBackCache<TraceKey, String> cache = cache(w[1]);
        TraceBackend backend = backends.get(w[1]);
        TraceKey key = KEYED.contains(verb) ? key(w[1], w[2]) : null;
        switch (verb) {
            case "get": return "ok " + cache.get(key);
            case "put": cache.put(key, value(w[3])); return "ok";
            case "update": return "ok " + cache.update(key, function(w[1], key, w[3]));
            case "pin":
                Pin<String> pin = cache.pin(key);
                pins.put(w[4], pin);
                return "ok " + pin.value();
            case "flush": cache.flush(); return "ok";
            case "evict-all": cache.evictAll(); return "ok";
            case "invalidate": cache.invalidate(); return "ok";
            case "depend-on": cache.dependOn(cache(w[2])); return "ok";
            case "clean-up": cache.cleanUp(); return "ok";
            case "run-task": return executors.get(w[1]).runOne() ? "ok" : "error NoTaskQueued";
            case "store": backend.stored.put(key.id(), w[3]); return "ok";
            case "fail-next-write": backend.failNextWrite(key.id(), w.length > 3 ? w[3] : "io"); return "ok";
            case "fail-writes": backend.failWrites = w[2].equals("on"); return "ok";
            case "fail-loads": backend.failLoads = w[2].equals("on"); return "ok";
            case "heal": backend.heal(); return "ok";

            default: throw new IllegalArgumentException("unknown command: " + verb);
        }
    }

    private String create(String[] w) {
        String name = w[1];
        TraceExecutor executor = TraceExecutor.parse(option(w, "executor", "caller-runs"));
        TraceBackend backend = new TraceBackend(name, log);
        Tuning tuning = new Tuning(Integer.parseInt(option(w, "read-buffer", "16")),
                Integer.parseInt(option(w, "write-buffer", "64")), Integer.parseInt(option(w, "batch", "64")));
        caches.put(name, new WriteBackCache<>(backend, Integer.parseInt(option(w, "capacity", "")), executor, tuning));
        backends.put(name, backend);
        executors.put(name, executor);
        keysSeen.put(name, new TreeSet<>());
        return "ok";
    }

    private static String option(String[] w, String name, String otherwise) {
        for (String word : w) {
            if (word.startsWith(name + "=")) {
                return word.substring(name.length() + 1);
            }
        }
        if (otherwise.isEmpty()) {
            throw new IllegalArgumentException("missing " + name + "=");
        }
        return otherwise;
    }

    private String pinCommand(String verb, String[] w) {
        Pin<String> pin = pins.get(w[1]);
        if (pin == null) {
            throw new IllegalArgumentException("no pin named " + w[1]);
        }
        switch (verb) {
            case "pin-value": return "ok " + pin.value();
            case "pin-set": pin.set(value(w[2])); return "ok";
            case "pin-update": return "ok " + pin.update(function(null, null, w[2]));
            case "unpin": pin.close(); return "ok";
            default: throw new IllegalArgumentException("unknown command: " + verb);
        }
    }

    private String gate(String verb, String kind, String cache, int key) throws InterruptedException {
        cache(cache);
        String id = cache + " " + key;
        if (kind.equals("write")) {
            TraceBackend backend = backends.get(cache);
            switch (verb) {
                case "block": backend.block(key); return "ok";
                case "await-blocked": return backend.awaitBlocked(key) ? "ok" : "error NotBlocked";
                default: return backend.open(key) ? "ok" : "error NotBlocked";
            }
        }
        switch (verb) {
            case "block": updateGates.put(id, new CountDownLatch[] {new CountDownLatch(1), new CountDownLatch(1)}); return "ok";
            case "await-blocked":
                CountDownLatch[] g = updateGates.get(id);
                return g != null && g[0].await(10, TimeUnit.SECONDS) ? "ok" : "error NotBlocked";
            default:
                CountDownLatch[] gate = updateGates.remove(id);
                if (gate == null || gate[0].getCount() != 0) {
                    return "error NotBlocked";
                }
                gate[1].countDown();
                return "ok";
        }
    }

    /** The update functions: append:S, fail, null; an update gate on the key parks it first. */
    private UnaryOperator<String> function(String cache, TraceKey key, String spec) {
        CountDownLatch[] gate = cache == null ? null : updateGates.get(cache + " " + key);
        return value -> {
            if (gate != null) {
                gate[0].countDown();
                try {
                    gate[1].await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (spec.startsWith("append:")) {
                return value + spec.substring("append:".length());
            }
            if (spec.equals("fail")) {
                throw new TraceErrors.FunctionFailed();
            }
            if (spec.equals("null")) {
                return null;
            }
            throw new IllegalArgumentException("unknown update function: " + spec);
        };
    }

    private WriteBackCache<TraceKey, String> cache(String name) {
        WriteBackCache<TraceKey, String> cache = caches.get(name);
        if (cache == null) {
            throw new IllegalArgumentException("no cache or machine named " + name);
        }
        return cache;
    }

    private TraceKey key(String cache, String word) {
        if (word.equals("null")) {
            return null;
        }
        int key = Integer.parseInt(word);
        keysSeen.get(cache).add(key);
        return new TraceKey(key);
    }

    private static String value(String word) {
        return word.equals("null") ? null : word;
    }

    private String state(String name) {
        WriteBackCache<TraceKey, String> cache = caches.get(name);
        List<Integer> resident = new ArrayList<>();
        List<Integer> dirty = new ArrayList<>();
        for (int key : keysSeen.get(name)) {
            if (TraceKey.UNHASHABLE.contains(key)) {
                continue; // not even the cache can look it up: shown as unhashable, below
            }
            if (cache.isResident(new TraceKey(key))) {
                resident.add(key);
                Node<TraceKey, String> node = cache.node(new TraceKey(key));
                if (node != null && node.isDirty()) {
                    dirty.add(key);
                }
            }
        }
        String deps = caches.entrySet().stream().filter(e -> cache.dependencies().contains(e.getValue()))
                .map(Map.Entry::getKey).collect(Collectors.joining(","));
        return "state " + name + " resident=" + list(resident) + " dirty=" + list(dirty)
                + " pinned=" + cache.pinnedCount() + " drain=" + cache.drainStatus()
                + " tasks=" + executors.get(name).queuedCount() + " deps=[" + deps + "]"
                + " lru=" + list(cache.policyOrder().stream().map(TraceKey::id).toList())
                + " failures=" + cache.evictionFailureCount()
                + (TraceKey.UNHASHABLE.isEmpty() ? "" : " unhashable=" + list(List.copyOf(new TreeSet<>(TraceKey.UNHASHABLE))));
    }

    private static String list(List<Integer> keys) {
        return keys.stream().map(String::valueOf).collect(Collectors.joining(",", "[", "]"));
    }

    /**
     * The events as output lines: where the order is free, each run of two or more events of
     * the same kind, cache and outcome becomes one any-order group.
     */
    private static List<String> group(List<String> events, boolean freeOrder) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < events.size(); ) {
            int j = i + 1;
            while (freeOrder && j < events.size() && sameGroup(events.get(i), events.get(j))) {
                j++;
            }
            if (j - i >= 2) {
                lines.add(Trace.ANY_ORDER);
                events.subList(i, j).stream().sorted().forEach(e -> lines.add(Trace.INDENT + e));
            } else {
                lines.add(events.get(i));
            }
            i = j;
        }
        return lines;
    }

    private static boolean sameGroup(String a, String b) {
        String[] x = a.split(" ");
        String[] y = b.split(" ");
        return x[0].equals(y[0]) && x[1].equals(y[1]) && a.endsWith(" failed") == b.endsWith(" failed");
    }
}
