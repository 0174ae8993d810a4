package dev.sluice.cache;

import java.io.IOException;

/**
 * Collects the failures of an operation that attempts everything: the first is thrown, the rest
 * suppressed. An {@code Error} from a backend counts as one entry's failure too (the entry stays
 * dirty), and is thrown as it is if it came first.
 */
final class Failures {
    private Throwable first;

    void add(Throwable failure) {
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
        if (first instanceof Error) {
            throw (Error) first;
        }
        if (first != null) {
            throw (RuntimeException) first;
        }
    }
}
