package dev.sluice.drain;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/** Weakened: the slot's sequence is published with a plain-mode store, ordering nothing before it. */
final class PlainPublishWriteBuffer<E> extends WriteBuffer<E> {
    private static final VarHandle SEQUENCES = MethodHandles.arrayElementVarHandle(long[].class);

    PlainPublishWriteBuffer(int capacity) {
        super(capacity);
    }

    @Override
    protected void publishSequence(long[] sequences, int index, long sequence) {
        SEQUENCES.set(sequences, index, sequence);
    }
}
