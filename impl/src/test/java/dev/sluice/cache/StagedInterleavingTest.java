package dev.sluice.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The rare interleavings of the write-back protocol, made deterministic with gates in the
 * backend (block the write of a key; wait until a writer is parked there; open it). Each checks
 * a promise of SPEC §2.2 over the one write log all backends share, in the caller's terms.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a hang fails
class StagedInterleavingTest {
    final RecordingBackend.Log log = new RecordingBackend.Log();
    final RecordingBackend backendA = new RecordingBackend("A", log);
    final RecordingBackend backendB = new RecordingBackend("B", log);
    final RecordingBackend backendC = new RecordingBackend("C", log);
    final ExecutorService thread = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() {
        thread.shutdownNow();
    }

    /** Until the runner waits (for a monitor, a claim or a latch), or its task is done. */
    static void awaitWaiting(Future<?> future, Thread[] runner) throws InterruptedException {
        for (int i = 0; i < 1_000 && !future.isDone(); i++) {
            Thread t = runner[0];
            if (t != null && (t.getState() == Thread.State.WAITING || t.getState() == Thread.State.TIMED_WAITING)) {
                return;
            }
            Thread.sleep(10);
        }
    }

    /**
     * The capture race: an eviction write-back of A1 is flushing A's old dependency C when,
     * on another thread, B1 is put, {@code A.dependOn(B)} returns and A1 is put again. The
     * write-back must not write the new A1 before B1: it captured the value after that
     * dependOn returned (I-DEP-ORDER).
     */
    @Test
    void aWriteBackThatCapturesAValuePutAfterDependOnWritesTheNewDependencyFirst() throws Exception {
        WriteBackCache<Integer, String> a = new WriteBackCache<>(backendA, 1, Runnable::run);
        WriteBackCache<Integer, String> b = new WriteBackCache<>(backendB, 8, Runnable::run);
        WriteBackCache<Integer, String> c = new WriteBackCache<>(backendC, 8, Runnable::run);
        c.put(1, "c1");
        a.dependOn(c);
        a.put(1, "a1-old");
        backendC.block(1);

        Future<?> evicting = thread.submit(() -> { a.put(2, "a2"); return null; }); // evicts A1
        backendC.awaitBlocked(1); // A1's write-back is flushing C, before capturing A1's value
        b.put(1, "b1");
        a.dependOn(b);
        a.put(1, "a1-new"); // dirty after dependOn(B) returned
        backendC.open(1);
        evicting.get(10, TimeUnit.SECONDS);
        a.flush();

        int b1 = log.indexOf("write B1=b1");
        int a1 = log.indexOf("write A1=a1-new");
        assertTrue(a1 >= 0, "I-DEP-ORDER: A1's new value was written: " + log.snapshot());
        assertTrue(b1 >= 0 && b1 < a1, "I-DEP-ORDER: B1, dirty when A.dependOn(B) returned, reaches the"
                + " backend before A1's value put after that return; the log: " + log.snapshot());
    }

    /**
     * Invalidate while a write-back of the same key is in flight: the in-flight value cannot be
     * recalled, so invalidate waits for it to land, and a get afterwards loads that value, never
     * the older backend copy kept as clean.
     */
    @Test
    void invalidateDuringAnInFlightWriteBackNeverLeavesTheOlderValueCachedAsClean() throws Exception {
        WriteBackCache<Integer, String> a = new WriteBackCache<>(backendA, 8, Runnable::run);
        a.put(1, "new");
        backendA.block(1);
        Future<?> flushing = thread.submit(() -> { a.flush(); return null; });
        backendA.awaitBlocked(1);

        Thread[] invalidator = new Thread[1];
        Future<?> invalidating = thread.submit(() -> { invalidator[0] = Thread.currentThread(); a.invalidate(); return null; });
        awaitWaiting(invalidating, invalidator);
        assertFalse(invalidating.isDone(), "§2 invalidate: invalidate waits for the write-back in flight");
        assertEquals("new", a.get(1), "I-NO-STALE-READ: meanwhile the entry is still resident with its latest value");
        backendA.open(1);
        flushing.get(10, TimeUnit.SECONDS);
        invalidating.get(10, TimeUnit.SECONDS);

        assertEquals("new", a.get(1), "I-NO-STALE-READ: after invalidate, a get loads what the in-flight write wrote");
        assertEquals(List.of("write A1=new", "discard A1=new clean", "load A1"),
                log.snapshot().subList(log.snapshot().size() - 3, log.snapshot().size()),
                "I-NO-STALE-READ: the write landed, then the entry was dropped (clean), then reloaded");
    }

    /**
     * evictAll while another thread keeps working: A1 was written and is clean when, with
     * evictAll's write of A2 parked in the backend, A1 is put again. evictAll must keep the new
     * A1 (SPEC §2 evictAll, I-NO-LOST-DIRTY); flush then invalidate would have dropped it.
     */
    @Test
    void aPutMadeWhileEvictAllRunsIsKeptNotDropped() throws Exception {
        WriteBackCache<Integer, String> a = new WriteBackCache<>(backendA, 8, Runnable::run);
        a.put(1, "older");
        a.flush(); // A1 is clean and on the backend
        a.put(2, "two");
        backendA.block(2);
        Future<?> evicting = thread.submit(() -> { a.evictAll(); return null; });
        backendA.awaitBlocked(2); // evictAll's write-back of A2 is in flight; A1 is clean
        a.put(1, "newer");
        backendA.open(2);
        evicting.get(10, TimeUnit.SECONDS);

        assertTrue(a.isResident(1) && a.dirtyCount() == 1, "I-NO-LOST-DIRTY: the put made during evictAll stays"
                + " resident and dirty; resident " + a.isResident(1) + ", dirty " + a.dirtyCount());
        assertFalse(a.isResident(2), "§2 evictAll: the entry it wrote back is evicted");
        assertEquals("newer", a.get(1), "I-NO-LOST-DIRTY: the cache returns the put made during evictAll");
        a.flush();
        assertEquals("newer", backendA.stored.get(1), "I-NO-LOST-DIRTY: and writes it back");
    }

    /** A flush that meets an eviction write-back in flight waits for it; it does not return early. */
    @Test
    void aFlushWaitsForAnEvictionWriteBackInFlight() throws Exception {
        WriteBackCache<Integer, String> a = new WriteBackCache<>(backendA, 1, Runnable::run);
        a.put(1, "one");
        backendA.block(1);
        Future<?> evicting = thread.submit(() -> { a.put(2, "two"); return null; });
        backendA.awaitBlocked(1);

        Thread[] flusher = new Thread[1];
        Future<?> flushing = thread.submit(() -> { flusher[0] = Thread.currentThread(); a.flush(); return null; });
        awaitWaiting(flushing, flusher);
        assertFalse(flushing.isDone(), "§2 flush: flush promises A1 is in the backend when it returns: it must wait");
        backendA.open(1);
        flushing.get(10, TimeUnit.SECONDS);
        evicting.get(10, TimeUnit.SECONDS);

        assertEquals("one", backendA.stored.get(1), "§2 flush: A1 reached the backend before flush returned");
        assertEquals(1, log.writes().stream().filter(w -> w.startsWith("write A1=")).count(),
                "§2.2: one write-back per entry: the flush did not write A1 again");
    }

    /**
     * The porter's deadlock shape: X1's write-back holds its claim (parked in the backend) while
     * T depends on X and a flush of T must write X first. Nothing waits for a claim while holding
     * one, so everything completes once the write lands, in dependency order.
     */
    @Test
    void aFlushThatMustWriteAnEntryWhoseWriteBackIsParkedCompletesOnceItLands() throws Exception {
        WriteBackCache<Integer, String> x = new WriteBackCache<>(backendA, 8, Runnable::run);
        WriteBackCache<Integer, String> t = new WriteBackCache<>(backendB, 8, Runnable::run);
        x.put(1, "x1");
        x.dependOn(t);
        backendA.block(1);
        Future<?> flushingX = thread.submit(() -> { x.flush(); return null; }); // consumes X->T, claims X1
        backendA.awaitBlocked(1);
        t.dependOn(x); // X is a sink again
        t.put(1, "t1");
        Future<?> flushingT = thread.submit(() -> { t.flush(); return null; }); // must write X1 first
        backendA.open(1);
        flushingX.get(10, TimeUnit.SECONDS);
        flushingT.get(10, TimeUnit.SECONDS);

        assertTrue(log.indexOf("write A1=x1") < log.indexOf("write B1=t1"),
                "I-DEP-ORDER: X1 before T1; the log: " + log.snapshot());
    }

    /** A failing write in the middle of A -> B -> C: nothing above it is written, nothing is lost. */
    @Test
    void aFailingWriteInTheMiddleOfAChainWritesNothingAboveItAndLosesNothing() throws IOException {
        WriteBackCache<Integer, String> a = new WriteBackCache<>(backendA, 8, Runnable::run);
        WriteBackCache<Integer, String> b = new WriteBackCache<>(backendB, 8, Runnable::run);
        WriteBackCache<Integer, String> c = new WriteBackCache<>(backendC, 8, Runnable::run);
        c.put(1, "c1");
        b.dependOn(c);
        b.put(1, "b1");
        a.dependOn(b);
        a.put(1, "a1");
        backendB.failingWrites.add(1);

        assertThrows(IOException.class, a::flush, "§2 flush: the failed dependency is thrown");
        assertEquals(List.of("write C1=c1"), log.writes(), "I-DEP-ORDER: C was written; B failed; A waited");
        assertEquals(1, a.dirtyCount(), "I-NO-LOST-DIRTY: A1 stays dirty");
        assertEquals(1, b.dirtyCount(), "I-NO-LOST-DIRTY: B1 stays dirty");
        assertEquals(Set.of(b), a.dependencies(), "§2.1: the unsatisfied edge A -> B is kept");

        backendB.failingWrites.clear();
        a.flush();
        assertEquals(List.of("write C1=c1", "write B1=b1", "write A1=a1"), log.writes(), "I-DEP-ORDER once healed");
    }
}
