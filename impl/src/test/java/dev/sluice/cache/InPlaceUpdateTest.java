package dev.sluice.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SPEC I-NO-TORN-WRITE, staged: tables (int arrays) changed in place through {@code update} and
 * {@code Pin.update} while a write-back of the same table is parked in the backend. The backend
 * reads the table at the end of its write, as a device reading memory during the I/O would, so a
 * change made in place during the write would show in what it wrote.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a hang fails
class InPlaceUpdateTest {
    final List<String> disk = new ArrayList<>(); // every write, in order, as the backend saw it
    final ExecutorService thread = Executors.newCachedThreadPool();
    volatile String blocked = "";
    final CountDownLatch parked = new CountDownLatch(1);
    final CountDownLatch open = new CountDownLatch(1);

    @AfterEach
    void stopThreads() {
        thread.shutdownNow();
    }

    /** One table of the disk: blocks the write of {@link #blocked}, then reads the table. */
    Backend<Integer, int[]> table(String name) {
        Map<Integer, int[]> stored = new ConcurrentHashMap<>();
        return new Backend<>() {
            @Override
            public int[] load(Integer key) {
                return stored.getOrDefault(key, new int[2]).clone();
            }

            @Override
            public void write(Integer key, int[] table) {
                if (blocked.equals(name + key)) {
                    parked.countDown();
                    CacheFailureTest.awaitQuietly(open);
                }
                synchronized (disk) {
                    disk.add(name + key + "=" + Arrays.toString(table));
                }
                stored.put(key, table.clone());
            }
        };
    }

    private int indexOf(String write) {
        synchronized (disk) {
            return disk.indexOf(write);
        }
    }

    @Test
    void aPinUpdateWaitsForTheWriteBackInFlightSoTheDiskNeverHoldsHalfOfIt() throws Exception {
        WriteBackCache<Integer, int[]> l2 = new WriteBackCache<>(table("L2"), 8, Runnable::run);
        l2.update(0, t -> { t[1] = 9; return t; });
        blocked = "L20";
        Future<?> flushing = thread.submit(() -> { l2.flush(); return null; });
        assertTrue(parked.await(10, TimeUnit.SECONDS), "harness: the write of L2 table 0 is parked");

        Thread[] updater = new Thread[1];
        Future<?> updating = thread.submit(() -> {
            updater[0] = Thread.currentThread();
            try (Pin<int[]> pin = l2.pin(0)) {
                pin.update(t -> { t[0] = 5; t[1] = 5; return t; }); // in place, both slots
            }
            return null;
        });
        StagedInterleavingTest.awaitWaiting(updating, updater);
        assertFalse(updating.isDone(), "I-NO-TORN-WRITE: the update must wait for the write-back in flight");
        open.countDown();
        flushing.get(10, TimeUnit.SECONDS);
        updating.get(10, TimeUnit.SECONDS);

        assertEquals(List.of("L20=[0, 9]"), List.copyOf(disk), "I-NO-TORN-WRITE: the parked write holds no part of the update");
        assertEquals(1, l2.dirtyCount(), "I-NO-LOST-DIRTY: the update after the write-back leaves the table dirty");
        l2.flush();
        assertEquals(List.of("L20=[0, 9]", "L20=[5, 5]"), List.copyOf(disk), "I-NO-TORN-WRITE: the next write holds all of it");
    }

    /**
     * The qcow2 client's case: L2 table 0 is being written when the client allocates cluster 1:
     * refcount up, {@code l2.dependOn(refcounts)}, then the pointer set in place through a pin. The
     * parked write must not carry the pointer ahead of the refcount (I-DEP-ORDER through
     * I-NO-TORN-WRITE).
     */
    @Test
    void aPointerSetInPlaceAfterDependOnReachesTheDiskAfterItsRefcount() throws Exception {
        WriteBackCache<Integer, int[]> l2 = new WriteBackCache<>(table("L2"), 8, Runnable::run);
        WriteBackCache<Integer, int[]> refcounts = new WriteBackCache<>(table("RC"), 8, Runnable::run);
        l2.update(0, t -> { t[1] = 9; return t; }); // an earlier change, now being written
        blocked = "L20";
        Future<?> flushing = thread.submit(() -> { l2.flush(); return null; });
        assertTrue(parked.await(10, TimeUnit.SECONDS), "harness: the write of L2 table 0 is parked");

        refcounts.update(0, t -> { t[1] = 1; return t; }); // cluster 1's refcount
        l2.dependOn(refcounts);
        Thread[] client = new Thread[1];
        Future<?> pointing = thread.submit(() -> {
            client[0] = Thread.currentThread();
            try (Pin<int[]> pin = l2.pin(0)) {
                pin.update(t -> { t[0] = 1; return t; }); // slot 0 -> cluster 1, in place
            }
            return null;
        });
        StagedInterleavingTest.awaitWaiting(pointing, client);
        open.countDown();
        flushing.get(10, TimeUnit.SECONDS);
        pointing.get(10, TimeUnit.SECONDS);
        l2.flush();

        int refcount = indexOf("RC0=[0, 1]");
        int pointer = indexOf("L20=[1, 9]");
        assertTrue(refcount >= 0 && pointer > refcount, "I-DEP-ORDER, I-NO-TORN-WRITE: the pointer to cluster 1"
                + " reached the disk before its refcount; the disk's writes: " + disk);
        assertEquals("L20=[0, 9]", disk.get(0), "I-NO-TORN-WRITE: the parked write carried none of the later change");
    }

    @Test
    void anUpdateFunctionThatFailsOrReturnsNullIsThrownAndTheEntryStaysDirty() throws IOException {
        WriteBackCache<Integer, int[]> l2 = new WriteBackCache<>(table("L2"), 8, Runnable::run);
        IllegalStateException thrown = assertThrows(IllegalStateException.class,
                () -> l2.update(0, t -> { t[0] = 3; throw new IllegalStateException("half done"); }),
                "§2 update: what the function throws is thrown");
        assertEquals("half done", thrown.getMessage(), "§2 update: the function's own exception");
        assertEquals(1, l2.dirtyCount(), "§2 update: a failed function may have changed the value in place: dirty");
        NullPointerException none = assertThrows(NullPointerException.class, () -> l2.update(1, t -> null),
                "§2 update: a function returning null is an error");
        assertTrue(none.getMessage().contains("key 1"), "§2 update: the error names the key: " + none.getMessage());
        l2.flush();
        assertTrue(disk.containsAll(List.of("L20=[3, 0]", "L21=[0, 0]")),
                "I-NO-LOST-DIRTY: both entries were written, the in-place change included: " + disk);
    }

    @Test
    void anUpdateFunctionThatCallsBackIntoItsEntryIsRefusedNotDeadlocked() throws IOException {
        WriteBackCache<Integer, int[]> l2 = new WriteBackCache<>(table("L2"), 8, Runnable::run);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> l2.update(0, t -> { l2.put(0, new int[2]); return t; }),
                "§2 update: a function calling back into its own entry is refused");
        assertTrue(e.getMessage().contains("called back"), "§2 update: the error says why: " + e.getMessage());
        assertEquals(new int[2].length, l2.update(0, t -> t).length, "§2 update: the entry is usable afterwards");
    }
}
