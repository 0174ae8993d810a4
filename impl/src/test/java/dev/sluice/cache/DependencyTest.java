package dev.sluice.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Flush dependencies: SPEC I-DEP-ORDER (write-back order) and I-DAG (no cycles, ever). */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a hang fails
class DependencyTest {
    final RecordingBackend.Log log = new RecordingBackend.Log();
    final RecordingBackend backendA = new RecordingBackend("A", log);
    final RecordingBackend backendB = new RecordingBackend("B", log);
    final RecordingBackend backendC = new RecordingBackend("C", log);
    final WriteBackCache<Integer, String> a = new WriteBackCache<>(backendA, 2, Runnable::run);
    final WriteBackCache<Integer, String> b = new WriteBackCache<>(backendB, 2, Runnable::run);
    final WriteBackCache<Integer, String> c = new WriteBackCache<>(backendC, 2, Runnable::run);

    @Test
    void flushWritesTheDependencyFirstAndConsumesTheEdge() throws IOException {
        a.put(1, "a1");
        b.put(1, "b1");
        a.dependOn(b);
        assertEquals(Set.of(b), a.dependencies());

        a.flush();
        assertEquals(List.of("write B1=b1", "write A1=a1"), log.writes());
        assertTrue(a.dependencies().isEmpty(), "consumed once satisfied");

        b.put(2, "b2");
        a.put(1, "a1'");
        a.flush();
        assertFalse(log.writes().contains("write B2=b2"), "a consumed dependency no longer orders");
    }

    @Test
    void evictionWritesTheDependencyBeforeTheVictim() throws IOException {
        b.put(7, "b7");
        a.put(1, "a1");
        a.dependOn(b);
        a.get(2);
        a.get(3); // evicts the dirty a1
        assertEquals(List.of("write B7=b7", "write A1=a1"), log.writes());
        assertFalse(a.isResident(1));
    }

    @Test
    void aFailedDependencyFlushWritesNothingOfOursAndKeepsTheEdge() throws IOException {
        a.put(1, "a1");
        b.put(1, "b1");
        a.dependOn(b);
        backendB.failingWrites.add(1);

        IOException e = assertThrows(IOException.class, a::flush);
        assertTrue(e.getMessage().contains("B1"), e.getMessage());
        assertTrue(log.writes().isEmpty());
        assertEquals(Set.of(b), a.dependencies());
        assertEquals(1, a.dirtyCount());

        // eviction hits the same failure: the victim stays resident and dirty
        a.get(2);
        a.get(3);
        assertTrue(a.isResident(1), "a victim whose dependency failed is kept");
        assertEquals(1, a.dirtyCount());

        backendB.failingWrites.clear();
        a.flush();
        assertEquals(List.of("write B1=b1", "write A1=a1"), log.writes());
    }

    @Test
    void aTwoCycleIsBrokenByFlushingTheTargetsDependenciesFirst() throws IOException {
        a.put(1, "a1");
        b.put(1, "b1");
        a.dependOn(b);          // A -> B
        b.dependOn(a);          // A is not a sink: A's dependency (B) is written first, then B -> A
        assertEquals(List.of("write B1=b1"), log.writes());
        assertTrue(a.dependencies().isEmpty());
        assertEquals(Set.of(a), b.dependencies());
        assertAcyclic();
    }

    @Test
    void aThreeCycleIsRefusedTransitively() throws IOException {
        a.put(1, "a1");
        b.put(1, "b1");
        c.put(1, "c1");
        a.dependOn(b);          // A -> B (B sink)
        c.dependOn(a);          // A is not a sink: write B, drop A -> B; then C -> A
        assertEquals(List.of("write B1=b1"), log.writes());
        b.dependOn(c);          // C is not a sink: writes A (its own dependency first: none left), then B -> C
        assertEquals(List.of("write B1=b1", "write A1=a1"), log.writes());
        assertEquals(Set.of(c), b.dependencies());
        assertTrue(c.dependencies().isEmpty());
        assertAcyclic();

        b.put(2, "b2");
        b.flush();
        assertEquals(List.of("write B1=b1", "write A1=a1", "write C1=c1", "write B2=b2"), log.writes());
    }

    @Test
    void dependOnTheSameTargetAgainWritesNothing() throws IOException {
        b.put(1, "b1");
        a.dependOn(b);
        a.dependOn(b);
        assertTrue(log.writes().isEmpty());
        assertEquals(Set.of(b), a.dependencies());
    }

    /**
     * The QEMU 2020 class: a dependOn that lands while the same edge is being satisfied must not
     * be used up by that flush. The backend renews the edge from inside the dependency's write.
     */
    @Test
    void anEdgeRenewedDuringItsFlushSurvivesIt() throws IOException {
        b.put(1, "b1");
        a.dependOn(b); // A has no entries, so its flush satisfies the edge exactly once
        backendB.beforeWrite = key -> {
            try {
                a.dependOn(b); // renews the edge: B has changes A must follow
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return true;
        };
        a.flush();
        assertEquals(Set.of(b), a.dependencies(), "the renewed edge was not consumed by the older flush");
    }

    @Test
    void dependOnFailsCleanlyWhenTheTargetsDependencyCannotBeWritten() throws IOException {
        a.put(1, "a1");
        b.dependOn(a);          // B -> A
        backendA.failingWrites.add(1);
        assertThrows(IOException.class, () -> c.dependOn(b));
        assertTrue(c.dependencies().isEmpty(), "no edge was added");
        assertEquals(Set.of(a), b.dependencies(), "the unsatisfied edge is kept");
    }

    @Test
    void invalidateClearsTheEdges() throws IOException {
        b.put(1, "b1");
        a.dependOn(b);
        a.invalidate();
        assertTrue(a.dependencies().isEmpty());
        assertTrue(log.writes().isEmpty());
    }

    /**
     * With A -> B in place, A's flush races B.dependOn(A), which must write back A's dependencies
     * first. A cache that held its own lock across either call (imago's flush and depend_on)
     * deadlocks here at once; this one holds no cache lock across another cache's calls.
     */
    @Test
    void aFlushRacingTheReverseDependOnNeverDeadlocks() throws Exception {
        for (int round = 0; round < 200; round++) {
            WriteBackCache<Integer, String> x = new WriteBackCache<>(new RecordingBackend("X", log), 1, Runnable::run);
            WriteBackCache<Integer, String> y = new WriteBackCache<>(new RecordingBackend("Y", log), 1, Runnable::run);
            x.dependOn(y);
            Thread flush = new Thread(() -> flushQuietly(x));
            Thread reverse = new Thread(() -> dependQuietly(y, x));
            flush.setDaemon(true);
            reverse.setDaemon(true);
            flush.start();
            reverse.start();
            flush.join(5_000);
            reverse.join(5_000);
            assertFalse(flush.isAlive() || reverse.isAlive(), "deadlocked in round " + round);
            assertAcyclicBetween(x, y);
        }
    }

    private static void flushQuietly(WriteBackCache<?, ?> cache) {
        try {
            cache.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void dependQuietly(WriteBackCache<?, ?> cache, WriteBackCache<?, ?> other) {
        try {
            cache.dependOn(other);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void assertAcyclicBetween(WriteBackCache<?, ?> x, WriteBackCache<?, ?> y) {
        assertFalse(x.dependencies().contains(y) && y.dependencies().contains(x), "I-DAG: a 2-cycle");
    }

    private void assertAcyclic() {
        for (WriteBackCache<?, ?> start : List.of(a, b, c)) {
            assertFalse(reaches(start, start, new HashSet<>()), "cycle through " + start);
        }
    }

    private static boolean reaches(WriteBackCache<?, ?> from, WriteBackCache<?, ?> target, Set<Object> seen) {
        for (WriteBackCache<?, ?> next : from.dependencies()) {
            if (next == target || (seen.add(next) && reaches(next, target, seen))) {
                return true;
            }
        }
        return false;
    }
}
