package dev.sluice.drain;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Consumer;

/**
 * A lossy, bounded, multi-producer single-consumer ring of recorded reads.
 *
 * <p>{@link #offer} never blocks: when the ring is full or another producer wins the slot the
 * read is dropped, which only makes the LRU order approximate (SPEC.md, "Non-guarantees"). A
 * slot holds null until its producer publishes into it; the single consumer ({@link #drainTo},
 * always under the drain lock) stops at the first unpublished slot and resumes there next time,
 * so an offered read is applied late but never skipped or seen half-built.
 *
 * <p>The two publishing stores are protected methods so that the stress tests can weaken each one
 * in a named subclass ({@code PlainSlotReadBuffer}, {@code OpaqueCounterReadBuffer}); the cache
 * only ever uses this class.
 *
 * @param <E> the recorded element (the cache records its nodes)
 */
public class ReadBuffer<E> {
    /** What became of an offered read. */
    public enum Offer {
        /** recorded */
        ADDED,
        /** dropped: every slot holds an unconsumed read, so a drain is due */
        FULL,
        /** dropped: another producer won the slot (a lost read only ages the entry a little) */
        CONTENDED
    }

    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(Object[].class);
    private static final VarHandle READ;
    private static final VarHandle WRITE;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            READ = lookup.findVarHandle(ReadBuffer.class, "readCounter", long.class);
            WRITE = lookup.findVarHandle(ReadBuffer.class, "writeCounter", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Object[] slots;
    private final int mask;
    @SuppressWarnings("unused") private volatile long readCounter;
    @SuppressWarnings("unused") private volatile long writeCounter;

    /**
     * An empty ring.
     *
     * @param capacity a power of two, at least 2
     * @throws IllegalArgumentException otherwise, naming the value
     */
    public ReadBuffer(int capacity) {
        if (capacity < 2 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("read buffer capacity must be a power of two >= 2, was " + capacity);
        }
        slots = new Object[capacity];
        mask = capacity - 1;
    }

    /**
     * Records a read without blocking; lossy by design (reads only reorder the LRU list).
     *
     * @param element the entry read
     * @return whether it was recorded, and if not why
     */
    public final Offer offer(E element) {
        // Acquire pairs with the consumer's release of readCounter: the consumer's clearing of
        // the slot we may now reuse happens-before our store into it (ReadBufferStress; the
        // opaque variant there lets a stale null overwrite a fresh read).
        long head = (long) READ.getAcquire(this);
        // Opaque: only a hint for the full check; the CAS below decides with the exact value.
        long tail = (long) WRITE.getOpaque(this);
        if (tail - head >= slots.length) {
            return Offer.FULL;
        }
        // The CAS claims slot `tail` for this producer alone; it publishes nothing itself.
        if (!WRITE.compareAndSet(this, tail, tail + 1)) {
            return Offer.CONTENDED;
        }
        publishSlot(slots, (int) (tail & mask), element);
        return Offer.ADDED;
    }

    /**
     * Release publishes the element's construction together with the reference; pairs with the
     * consumer's acquire load of the slot (ReadBufferStress; PlainSlotReadBuffer weakens it).
     */
    protected void publishSlot(Object[] slots, int index, E element) {
        SLOTS.setRelease(slots, index, element);
    }

    /**
     * Release: the consumer's clearing of the slots before {@code head} happens-before a
     * producer's reuse of them, through the producer's acquire in {@link #offer}
     * (ReadBufferStress; OpaqueCounterReadBuffer weakens it).
     */
    protected void publishReadCounter(long head) {
        setReadCounterRelease(head);
    }

    protected final void setReadCounterRelease(long head) {
        READ.setRelease(this, head);
    }

    /** For the weakened variant only: publishes nothing (see {@link #publishReadCounter}). */
    protected final void setReadCounterOpaque(long head) {
        READ.setOpaque(this, head);
    }

    /**
     * Hands up to {@code limit} published reads to {@code consumer}, oldest first. Single
     * consumer only: callers hold the drain lock.
     *
     * @param consumer applies each read to the policy
     * @param limit the most reads to hand over
     * @return how many reads were handed over
     */
    public final int drainTo(Consumer<? super E> consumer, int limit) {
        long head = (long) READ.getOpaque(this); // only this consumer writes it
        // Acquire bounds the loop; it publishes nothing (the producers' CAS precedes their slot
        // store), so publication rests on the slot's acquire below and an unpublished slot stops us.
        long tail = (long) WRITE.getAcquire(this);
        int drained = 0;
        while (head != tail && drained < limit) {
            int index = (int) (head & mask);
            @SuppressWarnings("unchecked")
            E element = (E) SLOTS.getAcquire(slots, index);
            if (element == null) {
                break; // claimed but not yet published: pick it up on the next drain
            }
            // Plain: ordered before the release of readCounter below, which is what a producer
            // reusing this slot synchronizes with.
            slots[index] = null;
            consumer.accept(element);
            head++;
            drained++;
        }
        publishReadCounter(head);
        return drained;
    }

    /** {@return true if no read is claimed or published. Consumer side only.} */
    public final boolean isEmpty() {
        // The consumer reads its own counter; the tail only needs to be current (same as drainTo).
        return (long) READ.getOpaque(this) == (long) WRITE.getAcquire(this);
    }
}
