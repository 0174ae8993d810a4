package dev.sluice.drain;

/**
 * What the buffer tests publish: a plain, non-final field, so a consumer that sees the reference
 * before the constructor's store reads 0 ("half-published"). A final field would hide that.
 */
final class Item {
    int value;

    Item(int value) {
        this.value = value;
    }
}
