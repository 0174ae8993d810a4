package dev.sluice.cache;

/**
 * Buffer sizes and the work bound of one drain. The defaults suit ordinary use; tests shrink
 * them to reach full buffers and early stops.
 *
 * @param readBufferCapacity slots of the lossy read buffer (a power of two)
 * @param writeBufferCapacity slots of the lossless write buffer (a power of two); also the
 *     most admissions that may be resident beyond {@code capacity} between drains
 * @param drainBatch the most buffered events one drain applies before it stops early and
 *     re-arms (SPEC §1)
 */
public record Tuning(int readBufferCapacity, int writeBufferCapacity, int drainBatch) {
    /** 16 read slots, 64 write slots, 64 events per drain. */
    public static final Tuning DEFAULT = new Tuning(16, 64, 64);

    /**
     * Checks the values.
     *
     * @param readBufferCapacity slots of the read buffer (a power of two)
     * @param writeBufferCapacity slots of the write buffer (a power of two)
     * @param drainBatch events per drain, at least 1
     * @throws IllegalArgumentException naming the value that is out of range
     */
    public Tuning {
        if (drainBatch < 1) {
            throw new IllegalArgumentException("drainBatch must be >= 1, was " + drainBatch);
        }
        // The buffer constructors check the capacities.
    }
}
