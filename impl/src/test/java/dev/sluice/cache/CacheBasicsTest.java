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
        assertEquals("initial1", cache.get(1));
        assertEquals("initial1", cache.get(1));
        assertEquals(1, backend.loads());
        assertEquals(1, cache.residentCount());
        assertEquals(0, cache.dirtyCount());
    }

    @Test
    void putIsWrittenOnlyByFlushAndOnlyItsLatestValue() throws IOException {
        WriteBackCache<Integer, String> cache = cache(4);
        cache.put(1, "a");
        cache.put(1, "b"); // replaces the dirty "a": only "b" reaches the backend
        assertEquals("b", cache.get(1));
        assertEquals(1, cache.dirtyCount());
        assertTrue(backend.log.writes().isEmpty(), "write-back, not write-through");

        cache.flush();
        assertEquals(List.of("write A1=b"), backend.log.writes());
        assertEquals(0, cache.dirtyCount());
        cache.flush();
        assertEquals(1, backend.log.writes().size(), "a clean entry is not written again");
    }

    /** SPEC I-LRU, and I-NO-LOST-DIRTY for the victim. */
    @Test
    void evictsTheLeastRecentlyUsedAndWritesBackDirtyVictims() throws IOException {
        WriteBackCache<Integer, String> cache = cache(2);
        cache.put(1, "one");
        cache.get(2);
        cache.get(1);          // 2 is now the least recently used
        cache.get(3);          // over capacity: 2 goes (clean, no write)
        assertFalse(cache.isResident(2));
        assertTrue(cache.isResident(1) && cache.isResident(3));
        assertTrue(backend.log.writes().isEmpty());

        cache.get(4);          // 1 is the LRU now and dirty: written back, then evicted
        assertEquals(List.of("write A1=one"), backend.log.writes());
        assertFalse(cache.isResident(1));
        assertEquals(2, cache.residentCount());
        assertEquals("one", cache.get(1), "reloaded from the backend, which has the latest value");
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
            assertTrue(cache.residentCount() <= 3, "resident " + cache.residentCount() + " at step " + i);
        }
    }

    /** SPEC I-PIN-RESIDENT. */
    @Test
    void pinKeepsAnEntryResidentAndMarksChangesDirty() throws IOException {
        WriteBackCache<Integer, String> cache = cache(1);
        try (Pin<String> pin = cache.pin(1)) {
            assertEquals("initial1", pin.value());
            cache.get(2); // would evict 1, but 1 is pinned: 2 is evicted instead
            assertTrue(cache.isResident(1));
            pin.set("changed");
            assertEquals("changed", cache.get(1));
            assertEquals(1, cache.dirtyCount());
        }
        cache.get(3);
        assertFalse(cache.isResident(1), "unpinned, it is the LRU victim");
        assertTrue(backend.log.writes().contains("write A1=changed"));
    }

    @Test
    void markDirtyWritesAValueChangedInPlace() throws IOException {
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
            pin.value().append("+x");
            pin.markDirty();
        }
        cache.flush();
        assertEquals(List.of("write 7=t+x"), backend.log.writes());
    }

    @Test
    void aClosedPinRefusesUseAndClosesOnce() throws IOException {
        WriteBackCache<Integer, String> cache = cache(2);
        Pin<String> pin = cache.pin(1);
        assertEquals(1, cache.pinnedCount());
        pin.close();
        pin.close();
        assertEquals(0, cache.pinnedCount(), "a second close does not unpin twice");
        assertThrows(IllegalStateException.class, pin::value);
        assertThrows(IllegalStateException.class, () -> pin.set("x"));
        assertThrows(IllegalStateException.class, pin::markDirty);
    }

    @Test
    void pinningMoreKeysThanCapacityFailsAndChangesNothing() throws IOException {
        WriteBackCache<Integer, String> cache = cache(2);
        try (Pin<String> a = cache.pin(1); Pin<String> b = cache.pin(2); Pin<String> again = cache.pin(1)) {
            CacheFullException e = assertThrows(CacheFullException.class, () -> cache.pin(3));
            assertTrue(e.getMessage().contains("cannot pin 3") && e.getMessage().contains("all 2 slots"),
                    e.getMessage());
            assertFalse(cache.isResident(3));
            assertEquals(2, cache.pinnedCount());
            // get and put still work: the new entry is admitted unpinned and is the next victim
            cache.put(4, "four");
            assertEquals("initial5", cache.get(5));
            assertTrue(backend.log.writes().contains("write A4=four"), "the dirty newcomer was written back");
            assertTrue(cache.isResident(1) && cache.isResident(2));
        }
        try (Pin<String> c = cache.pin(3)) {
            assertEquals("initial3", c.value());
        }
    }

    @Test
    void invalidateDropsWithoutWritingAndKeepsPinned() throws IOException {
        WriteBackCache<Integer, String> cache = cache(4);
        cache.put(1, "dirty");
        cache.get(2);
        Pin<String> pinned = cache.pin(3);
        pinned.set("pinned-dirty");

        EntriesPinnedException e = assertThrows(EntriesPinnedException.class, cache::invalidate);
        assertEquals(List.of(3), e.keys());
        assertTrue(e.getMessage().contains("[3]"), e.getMessage());
        assertTrue(backend.log.snapshot().containsAll(List.of("discard A1=dirty dirty", "discard A2=initial2 clean")));
        assertTrue(backend.log.writes().isEmpty());
        assertEquals(1, cache.residentCount());
        assertEquals("pinned-dirty", pinned.value());
        pinned.close();

        cache.invalidate();
        assertEquals(0, cache.residentCount());
        assertEquals("initial1", cache.get(1), "the dropped change is gone: invalidate is the one way to lose it");
    }

    @Test
    void badArgumentsGetClearErrors() {
        assertEquals("backend", assertThrows(NullPointerException.class,
                () -> new WriteBackCache<Integer, String>(null, 1)).getMessage());
        assertEquals("executor", assertThrows(NullPointerException.class,
                () -> new WriteBackCache<>(backend, 1, null)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new WriteBackCache<>(backend, 0))
                .getMessage().contains("capacity must be >= 1, was 0"));
        assertThrows(IllegalArgumentException.class,
                () -> new WriteBackCache<>(backend, 1, SAME_THREAD, new Tuning(16, 64, 0)));
        assertThrows(IllegalArgumentException.class,
                () -> new WriteBackCache<>(backend, 1, SAME_THREAD, new Tuning(3, 64, 1)));

        WriteBackCache<Integer, String> cache = cache(1);
        assertEquals("key", assertThrows(NullPointerException.class, () -> cache.get(null)).getMessage());
        assertEquals("key", assertThrows(NullPointerException.class, () -> cache.pin(null)).getMessage());
        assertEquals("key", assertThrows(NullPointerException.class, () -> cache.put(null, "v")).getMessage());
        assertEquals("value", assertThrows(NullPointerException.class, () -> cache.put(1, null)).getMessage());
        assertEquals("other", assertThrows(NullPointerException.class, () -> cache.dependOn(null)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> cache.dependOn(cache))
                .getMessage().contains("cannot depend on itself"));
        assertTrue(cache.dependencies().isEmpty());
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
        assertTrue(cache.residentCount() < 20, "assisting writers drained and evicted");
        cache.cleanUp();
        assertEquals(20, backend.log.writes().size() + cache.dirtyCount(), "every put is either written or still dirty");
    }
}
