package dev.sluice.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Sequential behaviour of one cache, with a caller-runs executor so that every drain happens
 * inside the operation that scheduled it and eviction is deterministic.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a hang fails
class CacheBasicsTest {
    static final Executor SAME_THREAD = Runnable::run;

    final RecordingBackend backend = new RecordingBackend("A");

    WriteBackCache<Integer, String> cache(int capacity) {
        return new WriteBackCache<>(backend, capacity, SAME_THREAD);
    }

    @Test
    void getLoadsOnceThenHits() throws IOException {
        WriteBackCache<Integer, String> cache = cache(2);
        assertEquals("initial1", cache.get(1), "§2 get: a miss returns the backend's value");
        assertEquals("initial1", cache.get(1), "§2 get: a hit returns the cached value");
        assertEquals(1, backend.loads(), "§2 get: a hit does no I/O, so one load for two gets");
        assertEquals(1, cache.residentCount(), "§2 get: the loaded entry is resident");
        assertEquals(0, cache.dirtyCount(), "§2 get: a loaded entry is clean");
    }

    @Test
    void putIsWrittenOnlyByFlushAndOnlyItsLatestValue() throws IOException {
        WriteBackCache<Integer, String> cache = cache(4);
        cache.put(1, "a");
        cache.put(1, "b"); // replaces the dirty "a": only "b" reaches the backend
        assertEquals("b", cache.get(1), "§2 put: a get sees the latest put");
        assertEquals(1, cache.dirtyCount(), "§2 put: the entry is dirty");
        assertTrue(backend.log.writes().isEmpty(), "§2 put: write-back, not write-through; written: " + backend.log.writes());

        cache.flush();
        assertEquals(List.of("write A1=b"), backend.log.writes(), "I-NO-LOST-DIRTY: flush writes only the latest value");
        assertEquals(0, cache.dirtyCount(), "§2 flush: a successful flush leaves the entry clean");
        cache.flush();
        assertEquals(1, backend.log.writes().size(), "§2 flush: a clean entry is not written again; written: " + backend.log.writes());
    }

    /** SPEC I-LRU, and I-NO-LOST-DIRTY for the victim. */
    @Test
    void evictsTheLeastRecentlyUsedAndWritesBackDirtyVictims() throws IOException {
        WriteBackCache<Integer, String> cache = cache(2);
        cache.put(1, "one");
        cache.get(2);
        cache.get(1);          // 2 is now the least recently used
        cache.get(3);          // over capacity: 2 goes (clean, no write)
        assertFalse(cache.isResident(2), "I-LRU: 2 was the least recently used, so it is the victim");
        assertTrue(cache.isResident(1) && cache.isResident(3), "I-LRU: only the victim leaves; 1 resident "
                + cache.isResident(1) + ", 3 resident " + cache.isResident(3));
        assertTrue(backend.log.writes().isEmpty(), "I-LRU: a clean victim is not written; written: " + backend.log.writes());

        cache.get(4);          // 1 is the LRU now and dirty: written back, then evicted
        assertEquals(List.of("write A1=one"), backend.log.writes(), "I-NO-LOST-DIRTY: a dirty victim is written back");
        assertFalse(cache.isResident(1), "I-LRU: the written-back victim is evicted");
        assertEquals(2, cache.residentCount(), "I-BOUND: capacity 2 after the drain");
        assertEquals("one", cache.get(1), "I-NO-LOST-DIRTY: reloaded from the backend, which has the latest value");
    }

    /** SPEC I-BOUND. */
    @Test
    void residentCountStaysWithinCapacityAfterDrains() throws IOException {
        WriteBackCache<Integer, String> cache = cache(3);
        for (int i = 0; i < 50; i++) {
            if (i % 3 == 0) {
                cache.put(i % 7, "v" + i);
            } else {
                cache.get(i % 11);
            }
            assertTrue(cache.residentCount() <= 3, "I-BOUND: resident " + cache.residentCount() + " > capacity 3 at step " + i);
        }
    }

    /** SPEC I-PIN-RESIDENT. */
    @Test
    void pinKeepsAnEntryResidentAndMarksChangesDirty() throws IOException {
        WriteBackCache<Integer, String> cache = cache(1);
        try (Pin<String> pin = cache.pin(1)) {
            assertEquals("initial1", pin.value(), "§2 pin: the pin sees the loaded value");
            cache.get(2); // would evict 1, but 1 is pinned: 2 is evicted instead
            assertTrue(cache.isResident(1), "I-PIN-RESIDENT: key 1 is pinned but was evicted");
            pin.set("changed");
            assertEquals("changed", cache.get(1), "§2 Pin.set: a get sees the pin's change");
            assertEquals(1, cache.dirtyCount(), "§2 Pin.set: the entry is dirty");
        }
        cache.get(3);
        assertFalse(cache.isResident(1), "I-LRU: unpinned, key 1 is the LRU victim");
        assertTrue(backend.log.writes().contains("write A1=changed"),
                "I-NO-LOST-DIRTY: the pinned change was written back on eviction; written: " + backend.log.writes());
    }

    @Test
    void anUpdateThroughAPinWritesAValueChangedInPlace() throws IOException {
        StringBuilder table = new StringBuilder("t");
        WriteBackCache<Integer, StringBuilder> cache = new WriteBackCache<>(new Backend<>() {
            @Override
            public StringBuilder load(Integer key) {
                return table;
            }

            @Override
            public void write(Integer key, StringBuilder value) {
                backend.log.add("write " + key + "=" + value);
            }
        }, 2, SAME_THREAD);
        try (Pin<StringBuilder> pin = cache.pin(7)) {
            assertEquals("t+x", pin.update(sb -> sb.append("+x")).toString(), "§2 Pin.update: returns the new value");
        }
        cache.flush();
        assertEquals(List.of("write 7=t+x"), backend.log.writes(), "§2 Pin.update: the value changed in place is written back");
    }

    @Test
    void aClosedPinRefusesUseAndClosesOnce() throws IOException {
        WriteBackCache<Integer, String> cache = cache(2);
        Pin<String> pin = cache.pin(1);
        assertEquals(1, cache.pinnedCount(), "§2 pin: one key pinned");
        pin.close();
        pin.close();
        assertEquals(0, cache.pinnedCount(), "§2 Pin.close: a second close does not unpin twice");
        assertThrows(IllegalStateException.class, pin::value, "§2 errors: PinClosed from value()");
        assertThrows(IllegalStateException.class, () -> pin.set("x"), "§2 errors: PinClosed from set()");
        assertThrows(IllegalStateException.class, () -> pin.update(v -> v), "§2 errors: PinClosed from update()");
    }

    @Test
    void pinningMoreKeysThanCapacityFailsAndChangesNothing() throws IOException {
        WriteBackCache<Integer, String> cache = cache(2);
        try (Pin<String> a = cache.pin(1); Pin<String> b = cache.pin(2); Pin<String> again = cache.pin(1)) {
            CacheFullException e = assertThrows(CacheFullException.class, () -> cache.pin(3),
                    "§2 errors: CacheFull when capacity keys are pinned");
            assertTrue(e.getMessage().contains("cannot pin 3") && e.getMessage().contains("all 2 slots"),
                    "§2 errors: CacheFull names the key and the capacity: " + e.getMessage());
            assertFalse(cache.isResident(3), "§2 errors: a refused pin loads nothing");
            assertEquals(2, cache.pinnedCount(), "§2 errors: a refused pin changes no pin count");
            // get and put still work: the new entry is admitted unpinned and is the next victim
            cache.put(4, "four");
            assertEquals("initial5", cache.get(5), "§2 get: works while every slot is pinned");
            assertTrue(backend.log.writes().contains("write A4=four"),
                    "I-NO-LOST-DIRTY: the dirty newcomer was written back; written: " + backend.log.writes());
            assertTrue(cache.isResident(1) && cache.isResident(2), "I-PIN-RESIDENT: pinned keys 1 and 2 stay");
        }
        try (Pin<String> c = cache.pin(3)) {
            assertEquals("initial3", c.value(), "§2 pin: once a slot is free, the refused key can be pinned");
        }
    }

    @Test
    void invalidateDropsWithoutWritingAndKeepsPinned() throws IOException {
        WriteBackCache<Integer, String> cache = cache(4);
        cache.put(1, "dirty");
        cache.get(2);
        Pin<String> pinned = cache.pin(3);
        pinned.set("pinned-dirty");

        EntriesPinnedException e = assertThrows(EntriesPinnedException.class, cache::invalidate,
                "§2 errors: EntriesPinned when invalidate keeps pinned entries");
        assertEquals(List.of(3), e.keys(), "§2 errors: EntriesPinned lists the pinned keys");
        assertTrue(e.getMessage().contains("[3]"), "§2 errors: EntriesPinned's message lists the keys: " + e.getMessage());
        assertTrue(backend.log.snapshot().containsAll(List.of("discard A1=dirty dirty", "discard A2=initial2 clean")),
                "§2 invalidate: the backend is told of each dropped entry; log: " + backend.log.snapshot());
        assertTrue(backend.log.writes().isEmpty(), "§2 invalidate: nothing is written; written: " + backend.log.writes());
        assertEquals(1, cache.residentCount(), "I-PIN-RESIDENT: only the pinned entry stays");
        assertEquals("pinned-dirty", pinned.value(), "I-PIN-RESIDENT: the pinned entry is unchanged");
        pinned.close();

        cache.invalidate();
        assertEquals(0, cache.residentCount(), "§2 invalidate: with no pins, nothing stays");
        assertEquals("initial1", cache.get(1), "I-NO-LOST-DIRTY: the dropped change is gone; invalidate is the one way to lose it");
    }

    @Test
    void badArgumentsGetClearErrors() {
        String named = "§2 errors: a null argument is refused, naming it";
        assertEquals("backend", assertThrows(NullPointerException.class,
                () -> new WriteBackCache<Integer, String>(null, 1), named).getMessage(), named);
        assertEquals("executor", assertThrows(NullPointerException.class,
                () -> new WriteBackCache<>(backend, 1, null), named).getMessage(), named);
        String capacity = assertThrows(IllegalArgumentException.class, () -> new WriteBackCache<>(backend, 0),
                "§2 errors: IllegalArgument(capacity)").getMessage();
        assertTrue(capacity.contains("capacity must be >= 1, was 0"), "§2 errors: IllegalArgument(capacity): " + capacity);
        assertThrows(IllegalArgumentException.class,
                () -> new WriteBackCache<>(backend, 1, SAME_THREAD, new Tuning(16, 64, 0)), "§2 errors: IllegalArgument(drainBatch)");
        assertThrows(IllegalArgumentException.class,
                () -> new WriteBackCache<>(backend, 1, SAME_THREAD, new Tuning(3, 64, 1)),
                "§2 errors: IllegalArgument(readBufferCapacity) for a non-power of two");

        WriteBackCache<Integer, String> cache = cache(1);
        assertEquals("key", assertThrows(NullPointerException.class, () -> cache.get(null), named).getMessage(), named);
        assertEquals("key", assertThrows(NullPointerException.class, () -> cache.pin(null), named).getMessage(), named);
        assertEquals("key", assertThrows(NullPointerException.class, () -> cache.put(null, "v"), named).getMessage(), named);
        assertEquals("value", assertThrows(NullPointerException.class, () -> cache.put(1, null), named).getMessage(), named);
        assertEquals("other", assertThrows(NullPointerException.class, () -> cache.dependOn(null), named).getMessage(), named);
        assertEquals("key", assertThrows(NullPointerException.class, () -> cache.isResident(null), named).getMessage(), named);
        String self = assertThrows(IllegalArgumentException.class, () -> cache.dependOn(cache),
                "§2 errors: SelfDependency").getMessage();
        assertTrue(self.contains("cannot depend on itself"), "§2 errors: SelfDependency: " + self);
        assertTrue(cache.dependencies().isEmpty(), "I-DAG: a refused self-dependency adds no edge: " + cache.dependencies());
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a spinning writer fails here
    void aFullWriteBufferMakesTheWriterDrainInsteadOfSpinning() {
        // The executor accepts tasks and never runs them, so only the writers' assists drain.
        WriteBackCache<Integer, String> cache = new WriteBackCache<>(backend, 2, task -> { },
                new Tuning(2, 2, 1));
        for (int i = 0; i < 20; i++) {
            cache.put(i, "v" + i); // would hang forever without the assist
        }
        assertTrue(cache.residentCount() < 20, "I-BOUND: assisting writers drained and evicted; resident " + cache.residentCount());
        cache.cleanUp();
        assertEquals(20, backend.log.writes().size() + cache.dirtyCount(), "I-NO-LOST-DIRTY: every put is either written or still dirty");
    }

    @Test
    void evictAllWritesBackThenEvictsWhatIsCleanAndKeepsPinnedEntries() throws IOException {
        WriteBackCache<Integer, String> cache = cache(4);
        cache.put(1, "one");
        cache.get(2);
        try (Pin<String> pinned = cache.pin(3)) {
            pinned.set("three");
            cache.evictAll();
            assertEquals(List.of("write A1=one", "write A3=three"), backend.log.writes().stream().sorted().toList(),
                    "§2 evictAll: every dirty entry is written first, the pinned one too");
            assertEquals(1, cache.residentCount(), "§2 evictAll: only the pinned entry stays");
            assertTrue(cache.isResident(3), "I-PIN-RESIDENT: the pinned entry stays");
        }
        assertEquals(0, cache.dirtyCount(), "I-NO-LOST-DIRTY: nothing dirty is left behind");
    }

    @Test
    void evictAllKeepsAnEntryWhoseWriteBackFailedAndEvictsTheRest() throws IOException {
        WriteBackCache<Integer, String> cache = cache(4);
        cache.put(1, "one");
        cache.put(2, "two");
        backend.failingWrites.add(2);
        assertThrows(IOException.class, cache::evictAll, "§2 evictAll: the failed write-back is thrown");
        assertFalse(cache.isResident(1), "§2 evictAll: the clean entries are evicted even so");
        assertTrue(cache.isResident(2) && cache.dirtyCount() == 1,
                "I-NO-LOST-DIRTY: the entry whose write failed stays resident and dirty; dirty " + cache.dirtyCount());
    }
}
