package dev.sluice.bench;

import java.util.Random;

/** Precomputed key streams, so that generating keys costs nothing inside the measured loop. */
final class KeyStreams {
    static final int SIZE = 1 << 20;
    static final int MASK = SIZE - 1;

    private KeyStreams() {}

    /**
     * Caffeine's GetPutBenchmark shape: a Zipf(1.0) stream over {@code items} ranks, scrambled so
     * that hot keys are spread across the hash table rather than clustered at small integers.
     */
    static Integer[] scrambledZipf(int items, long seed) {
        double[] cumulative = new double[items];
        double sum = 0;
        for (int rank = 1; rank <= items; rank++) {
            sum += 1.0 / rank;
            cumulative[rank - 1] = sum;
        }
        Random random = new Random(seed);
        Integer[] keys = new Integer[SIZE];
        for (int i = 0; i < SIZE; i++) {
            double u = random.nextDouble() * sum;
            int lo = 0;
            int hi = items - 1;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (cumulative[mid] < u) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            keys[i] = (int) ((lo * 0x9E3779B1L) % items);
        }
        return keys;
    }

    /** Uniform over {@code items} keys: with items twice the capacity, about half the reads miss. */
    static Integer[] uniform(int items, long seed) {
        Random random = new Random(seed);
        Integer[] keys = new Integer[SIZE];
        for (int i = 0; i < SIZE; i++) {
            keys[i] = random.nextInt(items);
        }
        return keys;
    }
}
