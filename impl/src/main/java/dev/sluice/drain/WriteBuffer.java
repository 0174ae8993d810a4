package dev.sluice.drain;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A lossless, bounded, multi-producer single-consumer queue of write events (after Vyukov's
 * bounded queue: each slot carries a sequence number saying whose turn it is).
 *
 * <p>{@link #offer} returns false only when the queue is full; the caller then assists the drain
 * (runs maintenance itself) and offers again, so a writer never spins waiting for a drain that
 * may never be scheduled (Caffeine issues #77 and #90).
 *
 * <p>The publishing store is a protected method so that the stress tests can weaken it in a named
 * subclass ({@code PlainPublishWriteBuffer}); the cache only ever uses this class.
 *
 * @param <E> the buffered event
 */
public class WriteBuffer<E> {
    private static final VarHandle SEQUENCES = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle TAIL;

    static {
        try {
            TAIL = MethodHandles.lookup().findVarHandle(WriteBuffer.class, "tail", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Object[] elements;
    /** sequence[i] == p: free for the producer of position p; p + 1: holds position p's element. */
    private final long[] sequences;
    private final int mask;
    @SuppressWarnings("unused") private volatile long tail;
    private long head; // consumer only (the drain lock holder)

    /**
     * An empty queue.
     *
     * @param capacity a power of two, at least 2
     * @throws IllegalArgumentException otherwise, naming the value
     */
    public WriteBuffer(int capacity) {
        if (capacity < 2 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("write buffer capacity must be a power of two >= 2, was " + capacity);
        }
        elements = new Object[capacity];
        sequences = new long[capacity];
        for (int i = 0; i < capacity; i++) {
            sequences[i] = i;
        }
        mask = capacity - 1;
    }

    /**
     * Adds an element without blocking, or refuses it when full (the caller then drains).
     *
     * @param element the event, not null
     * @return false if full (nothing was added)
     */
    public final boolean offer(E element) {
        for (;;) {
            // Volatile only because the CAS below re-checks it; any stale read just fails that CAS.
            long position = (long) TAIL.getVolatile(this);
            int index = (int) (position & mask);
            // Acquire pairs with the consumer's release in poll(): its read of the old element
            // happens-before our overwrite.
            long sequence = (long) SEQUENCES.getAcquire(sequences, index);
            if (sequence < position) {
                return false; // the consumer has not freed this slot from the previous lap
            }
            // Volatile CAS: claims the slot, and is the writer's half of the store-buffering pair
            // with DrainStatus.enterMaintenance() (the caller's statusVolatile() is the other).
            if (sequence == position && TAIL.compareAndSet(this, position, position + 1)) {
                elements[index] = element;
                publishSequence(sequences, index, position + 1);
                return true;
            }
            // Another producer took this position first: try the next one.
        }
    }

    /**
     * Removes the oldest element, or returns null if none was claimed. Single consumer only:
     * callers hold the drain lock.
     */
    /**
     * Release publishes the element (and its construction) to the consumer's acquire of the
     * sequence in {@link #poll} (WriteBufferStress; PlainPublishWriteBuffer weakens it).
     */
    protected void publishSequence(long[] sequences, int index, long sequence) {
        SEQUENCES.setRelease(sequences, index, sequence);
    }

    /**
     * Removes the oldest element. Single consumer only: callers hold the drain lock.
     *
     * @return the oldest element, or null if none is buffered
     */
    @SuppressWarnings("unchecked")
    public final E poll() {
        // Volatile load of the tail: the drain's half of the store-buffering pair (see offer).
        if (head == (long) TAIL.getVolatile(this)) {
            return null;
        }
        int index = (int) (head & mask);
        // A producer claimed this position and is between its CAS and its publishing store, which
        // are a few instructions apart and never block; waiting here keeps the queue FIFO and
        // means a claimed element is never mistaken for absence.
        while ((long) SEQUENCES.getAcquire(sequences, index) != head + 1) {
            Thread.onSpinWait();
        }
        E element = (E) elements[index];
        elements[index] = null;
        // Release: our read and clearing of the slot happen-before the next lap's producer.
        SEQUENCES.setRelease(sequences, index, head + elements.length);
        head++;
        return element;
    }

    /**
     * True if nothing is claimed or buffered. Consumer side only. Volatile, like poll's read of the
     * tail: drain()'s closing emptiness check is part of the same store-buffering pair.
     *
     * @return whether the buffer is empty
     */
    public final boolean isEmpty() {
        return head == (long) TAIL.getVolatile(this);
    }
}
