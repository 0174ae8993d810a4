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
            assertEquals(ReadBuffer.Offer.ADDED, buffer.offer(i));
        }
        assertEquals(ReadBuffer.Offer.FULL, buffer.offer(99), "a full ring drops the read");

        List<Integer> seen = new ArrayList<>();
        assertEquals(3, buffer.drainTo(seen::add, 3), "the limit bounds one drain");
        assertEquals(List.of(0, 1, 2), seen);
        assertFalse(buffer.isEmpty());
        assertEquals(1, buffer.drainTo(seen::add, 10));
        assertEquals(List.of(0, 1, 2, 3), seen, "99 was dropped, nothing else");
        assertTrue(buffer.isEmpty());
        assertEquals(ReadBuffer.Offer.ADDED, buffer.offer(4), "drained slots are reused");
    }

    @Test
    void writeBufferIsFifoAcrossLapsAndRefusesWhenFull() {
        WriteBuffer<Integer> buffer = new WriteBuffer<>(2);
        List<Integer> seen = new ArrayList<>();
        for (int lap = 0; lap < 3; lap++) {
            assertTrue(buffer.offer(2 * lap));
            assertTrue(buffer.offer(2 * lap + 1));
            assertFalse(buffer.offer(-1), "full: nothing added");
            for (Integer e; (e = buffer.poll()) != null; ) {
                seen.add(e);
            }
        }
        assertEquals(List.of(0, 1, 2, 3, 4, 5), seen);
        assertNull(buffer.poll());
        assertTrue(buffer.isEmpty());
    }

    @Test
    void badCapacitiesAreRejected() {
        for (int bad : new int[] {0, 1, 3, -4}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ReadBuffer<>(bad));
            assertTrue(e.getMessage().contains(String.valueOf(bad)), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> new WriteBuffer<>(bad));
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
                assertTrue(seen.add(e), "duplicate " + e);
                int producer = e / perProducer;
                assertTrue(e > lastOf[producer], "per-producer FIFO broken at " + e);
                lastOf[producer] = e;
            }
        }
        for (Thread t : producers) {
            t.join();
        }
        assertNull(buffer.poll());
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
