package dev.sluice.fray;

import static dev.sluice.fray.Explore.explore;
import static dev.sluice.fray.Explore.runConcurrently;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.cache.WriteBackCache;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The cache's real-thread scenarios, unstaged: plain threads doing what clients do, with Fray
 * choosing the interleaving. Each states its promise in the caller's terms and checks it on the
 * shared write log after the threads are joined; a deadlock is reported by Fray itself. The staged
 * unit tests (StagedInterleavingTest, DependencyTest, CacheFailureTest) force one known bad
 * interleaving each; these search for any.
 */
class CacheFrayTest {
    private static WriteBackCache<Integer, String> cache(String name, LoggedBackend.Log log, int capacity) {
        return new WriteBackCache<>(new LoggedBackend(name, log), capacity, Runnable::run);
    }

    /**
     * X -> Y; one thread flushes X (which flushes Y first) while another makes Y depend on X
     * (which must write back X's dependencies first) and then writes Y again. No cache may hold
     * its own lock across another cache's calls (imago's flush and depend_on do, and deadlock).
     */
    @Test
    void aFlushRacingTheReverseDependOnNeitherDeadlocksNorReorders() {
        explore("I-DEP-ORDER, §2.1 no nested locks", 1000, () -> {
            LoggedBackend.Log log = new LoggedBackend.Log();
            WriteBackCache<Integer, String> x = cache("X", log, 8);
            WriteBackCache<Integer, String> y = cache("Y", log, 8);
            y.put(1, "y1");
            y.put(2, "y2");
            x.put(1, "x1");
            dependOn(x, y);
            runConcurrently(() -> flush(x), () -> {
                dependOn(y, x);
                y.put(3, "y3");
                flush(y);
            });
            flush(x);
            flush(y);
            List<String> writes = log.writes();
            assertWrittenBefore(writes, "Y1=y1", "X1=x1");
            assertWrittenBefore(writes, "Y2=y2", "X1=x1");
            assertWrittenBefore(writes, "X1=x1", "Y3=y3");
        });
    }

    /**
     * One thread flushes an entry while another puts a newer value and flushes it too. Two
     * write-backs of one entry must not overlap: the backend ends with the newer value.
     */
    @Test
    void twoWriteBacksOfOneEntryLandInOrder() {
        explore("I-NO-LOST-DIRTY", 1000, () -> {
            LoggedBackend.Log log = new LoggedBackend.Log();
            LoggedBackend backend = new LoggedBackend("A", log);
            WriteBackCache<Integer, String> a = new WriteBackCache<>(backend, 8, Runnable::run);
            a.put(1, "older");
            runConcurrently(() -> flush(a), () -> {
                a.put(1, "newer");
                flush(a);
            });
            flush(a);
            assertEquals("newer", backend.stored.get(1), "I-NO-LOST-DIRTY: after every flush returned, the"
                    + " backend holds an older value than the last put: " + log.writes());
            assertEquals(0, a.dirtyCount(), "I-NO-LOST-DIRTY: flushed, yet dirty entries remain: " + log.writes());
        });
    }

    /**
     * A write-back of A races a client that writes B, makes A depend on B and then changes A
     * (the capture race): the new A value must reach the backend after B's.
     */
    @Test
    void aWriteBackRacingDependOnAndPutKeepsTheOrder() {
        explore("I-DEP-ORDER", 1000, () -> {
            LoggedBackend.Log log = new LoggedBackend.Log();
            WriteBackCache<Integer, String> a = cache("A", log, 8);
            WriteBackCache<Integer, String> b = cache("B", log, 8);
            a.put(1, "a1");
            runConcurrently(() -> flush(a), () -> {
                b.put(1, "b1");
                dependOn(a, b);
                a.put(1, "a1-new");
            });
            flush(a);
            flush(b);
            assertWrittenBefore(log.writes(), "B1=b1", "A1=a1-new");
        });
    }

    /**
     * Two writers admit new keys into a cache whose executor runs drains on the caller; each
     * admission is a buffered write that some drain must apply. Once both have returned, the
     * machine is idle and every admission reached the policy, so the bound holds.
     */
    @Test
    void writersOnACallerRunsExecutorStrandNoWrite() {
        explore("I-NO-STRANDED-WRITE", 1000, () -> {
            LoggedBackend.Log log = new LoggedBackend.Log();
            WriteBackCache<Integer, String> a = cache("A", log, 2);
            runConcurrently(() -> {
                a.put(1, "a1");
                a.put(2, "a2");
            }, () -> {
                a.put(3, "a3");
                a.put(4, "a4");
            });
            assertEquals("IDLE", a.drainStatus(), "I-NO-STRANDED-WRITE: both writers returned on a caller-runs"
                    + " executor and the drain machine is not idle");
            assertTrue(a.residentCount() <= a.capacity(), "I-BOUND, I-NO-STRANDED-WRITE: both writers returned"
                    + " and " + a.residentCount() + " entries are resident in a cache of " + a.capacity()
                    + ": an admission never reached the policy, or a drain did not evict");
        });
    }

    private static void assertWrittenBefore(List<String> writes, String first, String then) {
        int firstAt = writes.indexOf(first);
        int thenAt = writes.indexOf(then);
        assertTrue(firstAt >= 0 && thenAt >= 0, "I-DEP-ORDER: after the final flushes both " + first + " and "
                + then + " must have been written: " + writes);
        assertTrue(firstAt < thenAt, "I-DEP-ORDER: " + then + " reached the backend before " + first
                + ", which it depends on: " + writes);
    }

    private static void flush(WriteBackCache<?, ?> cache) {
        try {
            cache.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("harness: the backend never fails here", e);
        }
    }

    private static void dependOn(WriteBackCache<?, ?> cache, WriteBackCache<?, ?> other) {
        try {
            cache.dependOn(other);
        } catch (IOException e) {
            throw new UncheckedIOException("harness: the backend never fails here", e);
        }
    }
}
