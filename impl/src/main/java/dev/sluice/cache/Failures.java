package dev.sluice.cache;

import java.io.IOException;

/** Collects the failures of an operation that attempts everything: the first is thrown, the rest suppressed. */
final class Failures {
    private Exception first;

    void add(Exception failure) {
        if (first == null) {
            first = failure;
        } else {
            first.addSuppressed(failure);
        }
    }

    void throwFirst() throws IOException {
        if (first instanceof IOException) {
            throw (IOException) first;
        }
        if (first != null) {
            throw (RuntimeException) first;
        }
    }
}
