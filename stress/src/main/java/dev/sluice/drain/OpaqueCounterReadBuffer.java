package dev.sluice.drain;

/**
 * Weakened: the read counter is published opaque, so the consumer's clearing of a slot is not
 * ordered before a producer's reuse of it, and a late null can erase a fresh read.
 */
final class OpaqueCounterReadBuffer<E> extends ReadBuffer<E> {
    OpaqueCounterReadBuffer(int capacity) {
        super(capacity);
    }

    @Override
    protected void publishReadCounter(long head) {
        setReadCounterOpaque(head);
    }
}
