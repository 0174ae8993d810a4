package dev.sluice.drain;

/** Weakened: the slot is published with a plain store, so nothing orders the item's fields before it. */
final class PlainSlotReadBuffer<E> extends ReadBuffer<E> {
    PlainSlotReadBuffer(int capacity) {
        super(capacity);
    }

    @Override
    protected void publishSlot(Object[] slots, int index, E element) {
        slots[index] = element;
    }
}
