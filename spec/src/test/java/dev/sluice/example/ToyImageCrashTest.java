package dev.sluice.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The toy image's crash consistency, the property a qcow2-style client relies on (SPEC
 * I-DEP-ORDER, and I-NO-TORN-WRITE for the styles that change tables in place): replaying every
 * prefix of the disk's write log, no L2 pointer ever names a cluster whose refcount is 0; after a
 * final flush the disk equals the image's own state; a background write failure is never
 * invisible (SPEC §2 views). Small caches, so evictions (and their write-backs on pool threads)
 * happen all the time; now and then a client drops both caches ({@code evictAll}) while the
 * other keeps working. Seeded: prints its seed; replay with {@code -Dsluice.seed=N}.
 */
class ToyImageCrashTest {
    static final int SLOTS = 8;
    static final int CLUSTERS = 10;
    static final int ROUNDS = 150;
    static final int OPS = 60;

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "one thread on the default executor,           1, default,     COPY,     false",
        "two threads on the default executor,          2, default,     COPY,     false",
        "one thread on a caller-runs executor,         1, caller-runs, COPY,     false",
        "two threads with failing writes,              2, default,     COPY,     true",
        "two threads changing tables in place,         2, default,     IN_PLACE, false",
        "one thread changing pinned tables in place,   1, default,     PINNED,   true",
        "two threads changing pinned tables in place,  2, default,     PINNED,   true",
        "two threads in place on a caller-runs executor, 2, caller-runs, PINNED, false",
    })
    void everyPrefixOfTheWriteLogIsACrashConsistentImage(String mode, int threads, String executorKind,
            ToyImage.Style style, boolean failures) throws Exception {
        long seed = Long.getLong("sluice.seed", 20261201L);
        Executor executor = executorKind.equals("caller-runs") ? Runnable::run : ForkJoinPool.commonPool();
        Logger sluiceLogs = Logger.getLogger("dev.sluice");
        boolean parents = sluiceLogs.getUseParentHandlers();
        sluiceLogs.setUseParentHandlers(false); // injected write failures are logged once per burst; not here
        ExecutorService clients = Executors.newFixedThreadPool(threads);
        long writes = 0;
        long injectedFailures = 0;
        long backgroundFailures = 0;
        try {
            for (int round = 0; round < ROUNDS; round++) {
                long roundSeed = seed * 31 + round;
                ToyImage.Disk disk = new ToyImage.Disk();
                Random faults = new Random(roundSeed ^ 0x5eed);
                if (failures) {
                    disk.failWrite = where -> { synchronized (faults) { return faults.nextInt(8) == 0; } };
                }
                ToyImage image = new ToyImage(disk, CLUSTERS, 2, executor, style);
                AtomicLong seenByClients = new AtomicLong();
                Future<?>[] running = new Future<?>[threads];
                for (int t = 0; t < threads; t++) {
                    int owner = t;
                    running[t] = clients.submit(() -> { work(image, new Random(roundSeed + owner), owner, threads, seenByClients); return null; });
                }
                for (Future<?> f : running) {
                    f.get(30, TimeUnit.SECONDS);
                }
                ForkJoinPool.commonPool().awaitQuiescence(10, TimeUnit.SECONDS);
                String where = mode + ", seed " + seed + ", round " + round + " (replay: -Dsluice.seed=" + seed + ")";
                checkEveryPrefix(disk.logSnapshot(), where);
                checkNoFailureWasInvisible(disk, image, seenByClients.get(), where);
                injectedFailures += disk.failedWrites.get();
                backgroundFailures += image.backgroundWriteFailures();
                disk.failWrite = w -> false;
                image.flush();
                checkEveryPrefix(disk.logSnapshot(), where);
                for (int slot = 0; slot < SLOTS; slot++) {
                    assertEquals(ToyImage.read(image.l2, slot), disk.read("L2", slot),
                            "I-NO-LOST-DIRTY: after the final flush, L2 slot " + slot + ", " + where);
                }
                for (int c = 1; c <= CLUSTERS; c++) {
                    assertEquals(ToyImage.read(image.refcounts, c), disk.read("RC", c),
                            "I-NO-LOST-DIRTY: after the final flush, refcount " + c + ", " + where);
                }
                writes += disk.logSnapshot().size();
            }
        } finally {
            clients.shutdownNow();
            sluiceLogs.setUseParentHandlers(parents);
        }
        System.out.printf("toy image (%s): seed %d, %d rounds, %d disk writes checked at every prefix"
                + " (%d write failures injected, %d counted by the caches in the background)%n",
                mode, seed, ROUNDS, writes, injectedFailures, backgroundFailures);
    }

    /**
     * Each thread owns the slots congruent to its number, so no two threads change one slot (but
     * they do change one block). Counts the injected failures thrown to it, suppressed ones too.
     */
    private static void work(ToyImage image, Random random, int owner, int threads, AtomicLong seen) throws IOException {
        for (int i = 0; i < OPS; i++) {
            int slot = owner + threads * random.nextInt(SLOTS / threads);
            try {
                if (random.nextInt(20) == 0) {
                    image.dropCaches();
                } else if (ToyImage.read(image.l2, slot) == 0) {
                    image.allocate(slot);
                } else {
                    image.free(slot);
                }
            } catch (IOException injected) {
                // a failed flush inside dependOn or evictAll: the operation stopped before its
                // second half; the image stays consistent, and the retry below finishes it
                seen.addAndGet(1 + injected.getSuppressed().length);
                if (ToyImage.read(image.l2, slot) == 0) {
                    continue;
                }
                try {
                    image.free(slot);
                } catch (IOException again) {
                    seen.addAndGet(1 + again.getSuppressed().length);
                }
            }
        }
    }

    /** A write failure nobody was told of must show in the caches' failure views (SPEC §2, §6). */
    private static void checkNoFailureWasInvisible(ToyImage.Disk disk, ToyImage image, long seen, String where) {
        long injected = disk.failedWrites.get();
        if (injected > seen) {
            assertTrue(image.backgroundWriteFailures() > 0, "§2 views, failures a client can see: " + injected
                    + " injected write failures, " + seen + " thrown to the client, none counted by the caches; " + where);
            assertTrue(String.valueOf(image.lastBackgroundWriteFailure()).contains("injected write failure"),
                    "§2 views: the last failure is the backend's own: " + image.lastBackgroundWriteFailure() + "; " + where);
        }
    }

    private static void checkEveryPrefix(List<String[]> log, String where) {
        Map<Integer, Integer> pointers = new HashMap<>();
        Map<Integer, Integer> refcounts = new HashMap<>();
        for (int n = 0; n < log.size(); n++) {
            String[] w = log.get(n);
            String[] entries = w[2].split(",");
            for (int e = 0; e < entries.length; e++) {
                int index = Integer.parseInt(w[1]) * ToyImage.BLOCK + e;
                (w[0].equals("L2") ? pointers : refcounts).put(index, Integer.parseInt(entries[e]));
            }
            for (Map.Entry<Integer, Integer> p : pointers.entrySet()) {
                int cluster = p.getValue();
                if (cluster != 0 && refcounts.getOrDefault(cluster, 0) == 0) {
                    fail("I-DEP-ORDER: a crash after write " + (n + 1) + " of " + log.size() + " leaves L2 slot "
                            + p.getKey() + " pointing at cluster " + cluster + " whose refcount on disk is 0; "
                            + where + "; the log up to there: " + render(log.subList(Math.max(0, n - 12), n + 1)));
                }
            }
        }
    }

    private static String render(List<String[]> writes) {
        StringBuilder b = new StringBuilder();
        for (String[] w : writes) {
            b.append(w[0]).append(w[1]).append("=[").append(w[2]).append("] ");
        }
        return b.toString().trim();
    }
}
