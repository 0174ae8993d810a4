package dev.sluice.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A smoke test on the real executor: threads hammer two caches that depend on each other in both
 * directions. It checks what does not depend on the interleaving: no operation hangs, no dirty
 * value is lost (I-NO-LOST-DIRTY), the edges stay acyclic (I-DAG), and the resident count is back
 * within capacity once drained (I-BOUND). Linearizability itself is model/'s job.
 *
 * <p>Seeded: prints {@code seed=N}; replay the same operation streams with {@code -Dsluice.seed=N}
 * (the thread interleaving itself cannot be replayed).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a hang fails
class CacheConcurrencyTest {
    static final int THREADS = 4;
    static final int OPS = 20_000;

    @Test
    void operationsFromManyThreadsLoseNothingAndFinish() throws Exception {
        long seed = Long.getLong("sluice.seed", 20261121L);
        System.out.println("CacheConcurrencyTest seed=" + seed + " (replay: -Dsluice.seed=" + seed + ")");
        RecordingBackend.Log log = new RecordingBackend.Log() {
            @Override
            synchronized void add(String event) {
                // keep only the count: 80k operations would make a long log
            }
        };
        RecordingBackend backendA = new RecordingBackend("A", log);
        RecordingBackend backendB = new RecordingBackend("B", log);
        WriteBackCache<Integer, String> a = new WriteBackCache<>(backendA, 8);
        WriteBackCache<Integer, String> b = new WriteBackCache<>(backendB, 8);
        ExecutorService threads = Executors.newFixedThreadPool(THREADS);
        List<Future<Map<Integer, String>>> lastPuts = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            Random random = new Random(seed + t);
            int owner = t;
            lastPuts.add(threads.submit(() -> run(random, owner, a, b)));
        }
        Map<Integer, String> expectedA = new HashMap<>();
        Map<Integer, String> expectedB = new HashMap<>();
        for (Future<Map<Integer, String>> f : lastPuts) {
            for (Map.Entry<Integer, String> e : f.get(120, TimeUnit.SECONDS).entrySet()) {
                (e.getKey() >= 0 ? expectedA : expectedB).put(Math.abs(e.getKey()) - 1, e.getValue());
            }
        }
        threads.shutdown();
        assertTrue(threads.awaitTermination(10, TimeUnit.SECONDS), "harness: the client threads ended, seed " + seed);

        a.flush();
        b.flush();
        assertTrue(!(a.dependencies().contains(b) && b.dependencies().contains(a)), "I-DAG: a cycle A <-> B, seed " + seed);
        expectedA.forEach((k, v) -> assertEquals(v, backendA.stored.get(k), "I-NO-LOST-DIRTY: A" + k + " holds the last put, seed " + seed));
        expectedB.forEach((k, v) -> assertEquals(v, backendB.stored.get(k), "I-NO-LOST-DIRTY: B" + k + " holds the last put, seed " + seed));
        // I-BOUND holds after a drain that finds nothing in flight: let the drain tasks on the
        // common pool finish (a victim they queued is written back, then evicted by the task it
        // schedules), then drain once more.
        for (WriteBackCache<Integer, String> cache : List.of(a, b)) {
            ForkJoinPool.commonPool().awaitQuiescence(10, TimeUnit.SECONDS);
            cache.cleanUp();
            ForkJoinPool.commonPool().awaitQuiescence(10, TimeUnit.SECONDS);
        }
        assertTrue(a.residentCount() <= 8 && b.residentCount() <= 8,
                "I-BOUND: resident " + a.residentCount() + ", " + b.residentCount() + " (capacity 8), seed " + seed);
    }

    /** Each thread puts only keys it owns, so the last value it put for a key is the expected one. */
    private static Map<Integer, String> run(Random random, int owner, WriteBackCache<Integer, String> a,
            WriteBackCache<Integer, String> b) throws IOException {
        Map<Integer, String> last = new HashMap<>(); // +k+1 for A, -(k+1) for B
        for (int i = 0; i < OPS; i++) {
            boolean onA = random.nextBoolean();
            WriteBackCache<Integer, String> cache = onA ? a : b;
            int key = owner * 16 + random.nextInt(16);
            int op = random.nextInt(100);
            if (op < 50) {
                cache.get(random.nextInt(THREADS * 16));
            } else if (op < 80) {
                String value = owner + ":" + i;
                cache.put(key, value);
                last.put(onA ? key + 1 : -(key + 1), value);
            } else if (op < 90) {
                try (Pin<String> pin = cache.pin(key)) {
                    String value = owner + ":" + i + "p";
                    pin.set(value);
                    last.put(onA ? key + 1 : -(key + 1), value);
                } catch (CacheFullException ignored) {
                    // 4 threads, capacity 8: cannot happen, but it would be a correct refusal
                }
            } else if (op < 95) {
                cache.flush();
            } else {
                (onA ? a : b).dependOn(onA ? b : a);
            }
        }
        return last;
    }
}
