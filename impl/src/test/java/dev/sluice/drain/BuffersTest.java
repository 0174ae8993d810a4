package dev.sluice.drain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a hang fails
class BuffersTest {
    @Test
    void readBufferReportsFullAndDrainsInOrder() {
        ReadBuffer<Integer> buffer = new ReadBuffer<>(4);
        for (int i = 0; i < 4; i++) {
            assertEquals(ReadBuffer.Offer.ADDED, buffer.offer(i), "§4 read buffer: an offer into a free slot is recorded");
        }
        assertEquals(ReadBuffer.Offer.FULL, buffer.offer(99), "§4 read buffer: a full ring drops the read");

        List<Integer> seen = new ArrayList<>();
        assertEquals(3, buffer.drainTo(seen::add, 3), "§4 read buffer: the limit bounds one drain");
        assertEquals(List.of(0, 1, 2), seen, "§4 read buffer: oldest first");
        assertFalse(buffer.isEmpty(), "§4 read buffer: one read is left");
        assertEquals(1, buffer.drainTo(seen::add, 10), "§4 read buffer: the last read is drained");
        assertEquals(List.of(0, 1, 2, 3), seen, "§4 read buffer: 99 was dropped, nothing else");
        assertTrue(buffer.isEmpty(), "§4 read buffer: empty after draining");
        assertEquals(ReadBuffer.Offer.ADDED, buffer.offer(4), "§4 read buffer: drained slots are reused");
    }

    @Test
    void writeBufferIsFifoAcrossLapsAndRefusesWhenFull() {
        WriteBuffer<Integer> buffer = new WriteBuffer<>(2);
        List<Integer> seen = new ArrayList<>();
        for (int lap = 0; lap < 3; lap++) {
            assertTrue(buffer.offer(2 * lap), "§4 write buffer: an offer with room is accepted");
            assertTrue(buffer.offer(2 * lap + 1), "§4 write buffer: an offer with room is accepted");
            assertFalse(buffer.offer(-1), "§4 write buffer: full: nothing added");
            for (Integer e; (e = buffer.poll()) != null; ) {
                seen.add(e);
            }
        }
        assertEquals(List.of(0, 1, 2, 3, 4, 5), seen, "§4 write buffer: FIFO across laps");
        assertNull(buffer.poll(), "§4 write buffer: poll of an empty buffer is null");
        assertTrue(buffer.isEmpty(), "§4 write buffer: empty after polling");
    }

    @Test
    void badCapacitiesAreRejected() {
        for (int bad : new int[] {0, 1, 3, -4}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ReadBuffer<>(bad), "§2 errors: IllegalArgument(readBufferCapacity)");
            assertTrue(e.getMessage().contains(String.valueOf(bad)), "§2 errors: the bad capacity is named: " + e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> new WriteBuffer<>(bad), "§2 errors: IllegalArgument(writeBufferCapacity)");
        }
    }

    /** Two producers and one consumer: every offered element arrives exactly once. */
    @Test
    void writeBufferLosesNothingUnderContention() throws InterruptedException {
        WriteBuffer<Integer> buffer = new WriteBuffer<>(8);
        int perProducer = 200_000;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> producers = new ArrayList<>();
        for (int p = 0; p < 2; p++) {
            int base = p * perProducer;
            Thread t = new Thread(() -> {
                await(start);
                for (int i = 0; i < perProducer; i++) {
                    while (!buffer.offer(base + i)) {
                        Thread.onSpinWait();
                    }
                }
            });
            t.start();
            producers.add(t);
        }
        start.countDown();
        Set<Integer> seen = new HashSet<>();
        int[] lastOf = {-1, -1};
        while (seen.size() < 2 * perProducer) {
            Integer e = buffer.poll();
            if (e != null) {
                assertTrue(seen.add(e), "I-NO-STRANDED-WRITE, §4 write buffer lossless: duplicate " + e);
                int producer = e / perProducer;
                assertTrue(e > lastOf[producer], "§4 write buffer: per-producer FIFO broken at " + e);
                lastOf[producer] = e;
            }
        }
        for (Thread t : producers) {
            t.join();
        }
        assertNull(buffer.poll(), "I-NO-STRANDED-WRITE, §4 write buffer lossless: nothing extra arrived");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
