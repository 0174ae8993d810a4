package dev.sluice.cache;

/**
 * When eviction victims whose write-back failed may be tried again: not before a delay that
 * starts at {@link #MIN_NANOS} and doubles with each failed retry up to {@link #MAX_NANOS}, and
 * at once after any write-back succeeds (a flush, say). So a backend that is down for minutes
 * sees a few attempts per second at most, not a hot loop of retries (SPEC §6, "A backend that
 * stays down").
 */
final class Backoff {
    static final long MIN_NANOS = 1_000_000L; // 1 ms
    static final long MAX_NANOS = 1_000_000_000L; // 1 s

    /**
     * 0 while write-backs succeed. Written under the monitor; read without it first so that the
     * success path takes no lock, then re-read under it. Volatile so that a failure recorded by one
     * drain runner is seen by the next (its write happens-before our read); a stale 0 costs one
     * extra attempt, never a lost value. Nothing else is ordered by it, so no jcstress test guards
     * it; {@code HostileEnvironmentTest} bounds the attempts.
     */
    private volatile long delayNanos;
    private long retryAtNanos; // guarded by this

    synchronized void failed(long nowNanos) {
        long delay = delayNanos == 0 ? MIN_NANOS : Math.min(2 * delayNanos, MAX_NANOS);
        retryAtNanos = nowNanos + delay;
        delayNanos = delay;
    }

    void succeeded() {
        if (delayNanos != 0) {
            synchronized (this) {
                delayNanos = 0;
            }
        }
    }

    /** True while failed victims must wait: neither written nor put back in line for eviction. */
    boolean waiting(long nowNanos) {
        if (delayNanos == 0) {
            return false;
        }
        synchronized (this) {
            return delayNanos != 0 && nowNanos - retryAtNanos < 0;
        }
    }
}
