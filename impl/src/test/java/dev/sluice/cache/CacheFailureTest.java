package dev.sluice.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Bad backends and executors: a clear error, and nothing lost (SPEC I-NO-LOST-DIRTY). */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a hang fails
class CacheFailureTest {
    final RecordingBackend backend = new RecordingBackend("A");

    @Test
    void aDiscardedThatThrowsStillLetsInvalidateDropEveryEntry() {
        WriteBackCache<Integer, String> cache = new WriteBackCache<>(new Backend<>() {
            @Override
            public String load(Integer key) {
                return "initial" + key;
            }

            @Override
            public void write(Integer key, String value) {}

            @Override
            public void discarded(Integer key, String value, boolean wasDirty) {
                throw new IllegalStateException("discarded(" + key + ") breaks its contract");
            }
        }, 8, Runnable::run);
        for (int k = 1; k <= 4; k++) {
            cache.put(k, "v" + k);
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, cache::invalidate,
                "§2 invalidate: a discarded() that throws is rethrown");
        assertEquals(3, e.getSuppressed().length, "§2 invalidate: the first failure is thrown, the other three suppressed");
        assertEquals(0, cache.residentCount(), "§2 invalidate: every entry dropped although discarded threw");
    }

    @Test
    void isResidentOfNullNamesTheArgument() {
        WriteBackCache<Integer, String> cache = new WriteBackCache<>(backend, 2, Runnable::run);
        NullPointerException e = assertThrows(NullPointerException.class, () -> cache.isResident(null),
                "§2 errors: IllegalArgument(key) for a null key");
        assertEquals("key", e.getMessage(), "§2 errors: the null argument is named");
    }

    @Test
    void aFailedLoadLeavesNothingBehindAndIsRetried() throws IOException {
        WriteBackCache<Integer, String> cache = new WriteBackCache<>(backend, 2, Runnable::run);
        backend.failingLoads.add(1);
        IOException e = assertThrows(IOException.class, () -> cache.get(1), "§2 get: a failed load throws");
        assertTrue(e.getMessage().contains("A1"), "§2 get: the backend's own exception is thrown: " + e.getMessage());
        assertFalse(cache.isResident(1), "§2 get: a failed load caches nothing");
        assertEquals(0, cache.residentCount(), "§2 get: a failed load leaves no placeholder");

        backend.failingLoads.clear();
        assertEquals("initial1", cache.get(1), "§2 get: the next get loads again");
    }

    @Test
    void aLoadThatReturnsNullIsAnErrorNotAnEntry() {
        WriteBackCache<Integer, String> cache = new WriteBackCache<>(new Backend<>() {
            @Override
            public String load(Integer key) {
                return null;
            }

            @Override
            public void write(Integer key, String value) {}
        }, 1, Runnable::run);
        NullPointerException e = assertThrows(NullPointerException.class, () -> cache.get(5),
                "§2 get: a backend that returns null is an error");
        assertEquals("backend.load(5) returned null", e.getMessage(), "§2 get: the error names the load");
        assertEquals(0, cache.residentCount(), "§2 get: nothing is cached for a null load");
    }

    @Test
    void flushAttemptsEveryEntryAndKeepsTheFailedOnesDirty() throws IOException {
        WriteBackCache<Integer, String> cache = new WriteBackCache<>(backend, 8, Runnable::run);
        for (int k = 1; k <= 4; k++) {
            cache.put(k, "v" + k);
        }
        backend.failingWrites.addAll(List.of(2, 3));

        IOException e = assertThrows(IOException.class, cache::flush, "§2 flush: a failed write-back is thrown");
        assertEquals(1, e.getSuppressed().length, "§2 flush: one failure thrown, the other suppressed");
        assertTrue(backend.log.writes().containsAll(List.of("write A1=v1", "write A4=v4")),
                "§2 flush: the failures did not stop the other entries: " + backend.log.writes());
        assertEquals(2, cache.dirtyCount(), "I-NO-LOST-DIRTY: the two failed entries stay dirty");

        backend.failingWrites.clear();
        cache.flush();
        assertEquals(0, cache.dirtyCount(), "I-NO-LOST-DIRTY: a successful flush leaves nothing dirty");
        assertEquals("v2", backend.stored.get(2), "I-NO-LOST-DIRTY: the failed value is written once I/O works");
        assertEquals("v3", backend.stored.get(3), "I-NO-LOST-DIRTY: the failed value is written once I/O works");
    }

    @Test
    void aVictimWhoseWriteBackFailsStaysResidentAndDirty() throws IOException {
        WriteBackCache<Integer, String> cache = new WriteBackCache<>(backend, 1, Runnable::run);
        backend.failingWrites.add(1);
        cache.put(1, "precious");
        cache.get(2); // 1 is the victim; its write-back fails

        assertTrue(cache.isResident(1), "I-NO-LOST-DIRTY: a victim whose write-back failed is kept");
        assertEquals("precious", cache.get(1), "I-NO-LOST-DIRTY: the kept victim has its value");
        backend.failingWrites.clear();
        cache.flush();
        assertEquals("precious", backend.stored.get(1), "I-NO-LOST-DIRTY: written once I/O works");
    }

    @Test
    void aRejectingExecutorMeansDrainingInline() throws IOException {
        WriteBackCache<Integer, String> cache = new WriteBackCache<>(backend, 2, task -> {
            throw new RejectedExecutionException("shut down");
        });
        for (int k = 0; k < 10; k++) {
            cache.put(k, "v" + k);
        }
        assertEquals(2, cache.residentCount(), "I-BOUND: on a rejecting executor evictions still happen");
        assertEquals(8, backend.log.writes().size(), "I-NO-LOST-DIRTY: every victim was written back");
        assertEquals("IDLE", cache.drainStatus(), "I-NO-STRANDED-WRITE: the inline drains left IDLE");
    }

    @Test
    void anExecutorThatDropsTasksIsRecoveredByCleanUp() throws IOException {
        WriteBackCache<Integer, String> cache = new WriteBackCache<>(backend, 2, task -> { });
        for (int k = 0; k < 5; k++) {
            cache.get(k);
        }
        assertNotEquals("IDLE", cache.drainStatus(), "§6 dropping executor: the dropped task leaves a drain owed");
        assertEquals(5, cache.residentCount(), "§6 dropping executor: no drain ran, so no eviction");

        cache.cleanUp();
        assertEquals(2, cache.residentCount(), "I-BOUND: cleanUp runs the owed drain");
    }

    /** SPEC I-NO-STALE-READ: a get during a victim's write-back returns the latest value, not a reload. */
    @Test
    void aGetDuringAnInFlightWriteBackReturnsTheLatestValue() throws Exception {
        ExecutorService drains = Executors.newSingleThreadExecutor();
        ExecutorService caller = Executors.newSingleThreadExecutor();
        try {
            CountDownLatch writing = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            backend.beforeWrite = key -> {
                writing.countDown();
                awaitQuietly(release);
                return true;
            };
            WriteBackCache<Integer, String> cache = new WriteBackCache<>(backend, 1, drains);
            cache.put(1, "latest");
            cache.get(2); // 1 becomes the victim; its write-back blocks on the drain thread
            assertTrue(writing.await(10, TimeUnit.SECONDS), "harness: the victim's write-back started");

            Future<String> read = caller.submit(() -> cache.get(1));
            assertEquals("latest", read.get(10, TimeUnit.SECONDS), "I-NO-STALE-READ: the get returns the value in flight");
            assertEquals(0, backend.log.snapshot().stream().filter(e -> e.equals("load A1")).count(),
                    "I-NO-STALE-READ: not reloaded from the backend, whose copy is stale");
            release.countDown();
        } finally {
            drains.shutdown();
            caller.shutdown();
            assertTrue(drains.awaitTermination(10, TimeUnit.SECONDS), "harness: the drain thread ended");
        }
    }

    @Test
    void aPutDuringAnInFlightWriteBackStaysDirty() throws Exception {
        ExecutorService flusher = Executors.newSingleThreadExecutor();
        try {
            CountDownLatch writing = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            backend.beforeWrite = key -> {
                writing.countDown();
                awaitQuietly(release);
                return true;
            };
            WriteBackCache<Integer, String> cache = new WriteBackCache<>(backend, 4, Runnable::run);
            cache.put(1, "old");
            Future<?> flush = flusher.submit(() -> {
                cache.flush();
                return null;
            });
            assertTrue(writing.await(10, TimeUnit.SECONDS), "harness: the flush's write started");
            cache.put(1, "new"); // while "old" is being written
            release.countDown();
            flush.get(10, TimeUnit.SECONDS);

            assertEquals(1, cache.dirtyCount(), "I-NO-LOST-DIRTY: the write of the older value must not mark the newer one clean");
            backend.beforeWrite = key -> true;
            cache.flush();
            assertEquals("new", backend.stored.get(1), "I-NO-LOST-DIRTY: the newer value is written by the next flush");
        } finally {
            flusher.shutdown();
        }
    }

    /**
     * Two write-backs of one entry never overlap: the second waits for the first, so the backend
     * receives the values in order and ends with the newest (SPEC I-NO-LOST-DIRTY).
     */
    @Test
    void writeBacksOfOneEntryLandInOrder() throws Exception {
        List<Thread> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
        ExecutorService flushers = Executors.newFixedThreadPool(2, task -> {
            Thread t = new Thread(task);
            threads.add(t);
            return t;
        });
        try {
            CountDownLatch firstWriting = new CountDownLatch(1);
            CountDownLatch releaseFirst = new CountDownLatch(1);
            backend.beforeWrite = key -> {
                if (firstWriting.getCount() > 0) {
                    firstWriting.countDown();
                    awaitQuietly(releaseFirst); // the first write-back stalls in flight
                }
                return true;
            };
            WriteBackCache<Integer, String> cache = new WriteBackCache<>(backend, 4, Runnable::run);
            cache.put(1, "older");
            Future<?> first = flushers.submit(() -> {
                cache.flush();
                return null;
            });
            assertTrue(firstWriting.await(10, TimeUnit.SECONDS), "harness: the first write-back started");
            cache.put(1, "newer");
            Future<?> second = flushers.submit(() -> {
                cache.flush();
                return null;
            });
            // Let the second reach the entry while the first is in flight: it either waits there
            // (both flushers then wait) or, if it did not wait, finishes.
            for (int i = 0; i < 500 && !second.isDone() && !(threads.size() == 2
                    && threads.stream().allMatch(t -> t.getState() == Thread.State.WAITING)); i++) {
                Thread.sleep(10);
            }
            releaseFirst.countDown();
            first.get(10, TimeUnit.SECONDS);
            second.get(10, TimeUnit.SECONDS);

            assertEquals("newer", backend.stored.get(1), "I-NO-LOST-DIRTY: the older write landed last");
            assertEquals(0, cache.dirtyCount(), "I-NO-LOST-DIRTY: both flushes done, nothing is dirty");
        } finally {
            flushers.shutdownNow();
        }
    }

    static void awaitQuietly(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new AssertionError("test latch never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
