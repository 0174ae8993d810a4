package dev.sluice.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * The fault soak (SPEC §6, "Hostile environments"): many short operation sequences, each on a
 * fresh cache with a hostile executor (caller-runs, rejecting, throwing an Error, dropping, or
 * queueing with random task runs), a backend whose writes fail, throw Errors or are slow and
 * whose loads fail, a key whose hashCode throws for a while, and pins. After each sequence the
 * faults stop and the cache recovers; then: no dirty value lost (I-NO-LOST-DIRTY), the bound
 * held (I-BOUND), status IDLE with empty buffers (I-NO-STRANDED-WRITE), and no operation stuck
 * (each sequence has 10 s). Seeded: {@code -Dsluice.seed=N} replays one run; the thorough
 * profile runs ten times as many sequences.
 */
class FaultSoakTest {
    static final int KEYS = 6;
    static final int OPS = 24;

    /** A key whose hashCode throws while the sequence arms it. */
    record Key(int id, boolean[] armed) {
        @Override
        public int hashCode() {
            if (armed[0] && id == 0) {
                throw new IllegalStateException("injected: key 0's hashCode is broken right now");
            }
            return id;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key && ((Key) o).id == id;
        }

        @Override
        public String toString() {
            return "k" + id;
        }
    }

    static final class Disk implements Backend<Key, String> {
        final Map<Integer, String> stored = new ConcurrentHashMap<>();
        volatile boolean failWrites;
        volatile boolean errorWrites;
        volatile boolean failLoads;
        volatile boolean slow;

        @Override
        public String load(Key key) throws IOException {
            if (failLoads) {
                throw new IOException("injected load failure of " + key);
            }
            return stored.getOrDefault(key.id(), "initial");
        }

        @Override
        public void write(Key key, String value) throws IOException {
            if (slow) {
                LockSupport.parkNanos(20_000);
            }
            if (errorWrites) {
                throw new AssertionError("injected Error from write of " + key);
            }
            if (failWrites) {
                throw new IOException("injected write failure of " + key);
            }
            stored.put(key.id(), value);
        }

        void heal() {
            failWrites = false;
            errorWrites = false;
            failLoads = false;
            slow = false;
        }
    }

    long operations;
    long faults;

    @Test
    void aFaultSoakLosesNothingAndRecoversEveryTime() throws Exception {
        long seed = Long.getLong("sluice.seed", 20261201L);
        int sequences = 10_000 * (Boolean.getBoolean("sluice.thorough") ? 10 : 1);
        Logger sluiceLogs = Logger.getLogger("dev.sluice");
        boolean parents = sluiceLogs.getUseParentHandlers();
        sluiceLogs.setUseParentHandlers(false); // thousands of injected failure bursts: counted, not printed
        ExecutorService runner = Executors.newSingleThreadExecutor();
        try {
            for (int n = 0; n < sequences; n++) {
                long sequenceSeed = seed * 1_000_003L + n;
                Future<?> sequence = runner.submit(() -> { runOne(sequenceSeed); return null; });
                try {
                    sequence.get(10, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    fail("sequence " + n + " is stuck (no thread may be; seed " + seed + ", sequence seed "
                            + sequenceSeed + ")");
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new AssertionError("sequence " + n + " of seed " + seed + " (sequence seed "
                            + sequenceSeed + "): " + e.getCause().getMessage(), e.getCause());
                }
            }
        } finally {
            runner.shutdownNow();
            sluiceLogs.setUseParentHandlers(parents);
        }
        System.out.printf("soak: seed %d, %d sequences, %d operations, %d faults injected, all recovered"
                + " (replay: -Dsluice.seed=%d)%n", seed, sequences, operations, faults, seed);
    }

    private void runOne(long sequenceSeed) throws Exception {
        Random random = new Random(sequenceSeed);
        boolean[] armed = {false};
        Disk disk = new Disk();
        ConcurrentLinkedQueue<Runnable> offThread = new ConcurrentLinkedQueue<>();
        int kind = random.nextInt(5);
        Executor executor;
        switch (kind) {
            case 0: executor = Runnable::run; break;
            case 1: executor = task -> { throw new RejectedExecutionException("injected rejection"); }; break;
            case 2: executor = task -> { throw new OutOfMemoryError("injected Error from execute"); }; break;
            case 3: executor = task -> { }; break;
            default: executor = offThread::add; break;
        }
        int capacity = 1 + random.nextInt(3);
        Tuning tuning = new Tuning(2 << random.nextInt(2), 2 << random.nextInt(2),
                1 + random.nextInt(4));
        WriteBackCache<Key, String> cache = new WriteBackCache<>(disk, capacity, executor, tuning);
        Map<Integer, String> latest = new HashMap<>();
        String where = "sequence seed " + sequenceSeed + ", executor kind " + kind + ", capacity " + capacity;

        for (int i = 0; i < OPS; i++) {
            operations++;
            int id = random.nextInt(KEYS);
            Key key = new Key(id, armed);
            String value = "v" + i;
            boolean fragile = armed[0] && id == 0;
            try {
                switch (random.nextInt(12)) {
                    case 0: case 1: case 2: cache.put(key, value); latest.put(id, value); break;
                    case 3: case 4: {
                        String got = cache.get(key);
                        String expected = latest.getOrDefault(id, "initial");
                        assertEquals(expected, got, "I-NO-STALE-READ: get(" + key + "), " + where);
                        break;
                    }
                    case 5:
                        try (Pin<String> pin = cache.pin(key)) {
                            pin.set(value);
                            latest.put(id, value);
                        }
                        break;
                    case 6: cache.flush(); break;
                    case 7: cache.cleanUp(); break;
                    case 8: runSome(offThread, random); break;
                    case 9: faults++; disk.failWrites = !disk.failWrites; disk.errorWrites = random.nextInt(4) == 0; break;
                    case 10: faults++; disk.failLoads = !disk.failLoads; disk.slow = random.nextBoolean(); break;
                    default: faults++; armed[0] = !armed[0]; break;
                }
            } catch (IOException | CacheFullException expected) {
                // a failed load or flush, or every slot pinned: nothing of the logical state changed
            } catch (IllegalStateException e) {
                if (!fragile || !e.getMessage().startsWith("injected")) {
                    throw e;
                }
            } catch (AssertionError e) {
                if (!String.valueOf(e.getMessage()).startsWith("injected Error from write")) {
                    throw e; // only a flush may pass on the backend's own Error
                }
            }
        }

        // Recovery: the faults stop, queued tasks run, a flush succeeds, drains settle.
        armed[0] = false;
        disk.heal();
        runSome(offThread, null);
        cache.flush();
        for (int round = 0; round < 50 && !settled(cache); round++) {
            cache.cleanUp();
            runSome(offThread, null);
        }
        for (Map.Entry<Integer, String> e : latest.entrySet()) {
            assertEquals(e.getValue(), disk.stored.get(e.getKey()), "I-NO-LOST-DIRTY: k" + e.getKey() + ", " + where);
        }
        assertEquals(0, cache.dirtyCount(), "I-NO-LOST-DIRTY: nothing dirty after the flush, " + where);
        assertTrue(settled(cache), "I-NO-STRANDED-WRITE: status " + cache.drainStatus() + ", buffers empty "
                + cache.buffersEmpty() + ", " + where);
        assertTrue(cache.residentCount() <= capacity, "I-BOUND: " + cache.residentCount() + " resident, " + where);
        assertEquals(0, cache.pinnedCount(), "I-PIN-RESIDENT: every pin was closed, " + where);
    }

    private static boolean settled(WriteBackCache<?, ?> cache) {
        return cache.drainStatus().equals("IDLE") && cache.buffersEmpty();
    }

    /** Runs some (random) or all (null) of the tasks a queueing executor holds. */
    private static void runSome(ConcurrentLinkedQueue<Runnable> tasks, Random random) {
        int n = random == null ? Integer.MAX_VALUE : random.nextInt(3);
        for (Runnable task; n-- > 0 && (task = tasks.poll()) != null; ) {
            task.run();
        }
    }
}
