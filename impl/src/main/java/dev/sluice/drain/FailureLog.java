package dev.sluice.drain;

import java.util.Objects;

/**
 * Counts the failures of one kind of background work and logs them once per burst: the first
 * failure after a success (or after creation) is logged with its stack trace, the rest of the
 * burst only counted, and the success that ends the burst logs one line saying how many there
 * were. So a backend that is down for minutes costs two log lines, not one per attempt, and the
 * count and the last failure stay readable by the owner (SPEC §6, "Failures are reported").
 */
public final class FailureLog {
    private final System.Logger logger;
    private final String what;
    /**
     * Written under the monitor, read without it on the success path so a healthy run takes no
     * lock. Volatile so that a success sees a burst that another thread began (its write
     * happens-before our read); a stale read only defers the "succeeded again" line to the next
     * success, since {@link #succeeded()} re-checks under the monitor. Nothing is ordered by it,
     * so no jcstress test guards it; {@code HostileExecutorTest} and {@code HostileEnvironmentTest}
     * count the lines.
     */
    private volatile boolean failing;
    private long failures; // guarded by this
    private long burst; // guarded by this
    private Throwable last; // guarded by this

    /**
     * A log with no failures yet.
     *
     * @param logger where the one line per burst goes
     * @param what names the work in the log lines, e.g. "write-back of eviction victims"
     */
    public FailureLog(System.Logger logger, String what) {
        this.logger = Objects.requireNonNull(logger, "logger");
        this.what = Objects.requireNonNull(what, "what");
    }

    /**
     * Counts a failure; the first of a burst is logged as a WARNING with its stack trace.
     *
     * @param failure what the work threw
     */
    public void failed(Throwable failure) {
        boolean first;
        synchronized (this) {
            failures++;
            burst++;
            last = failure;
            first = !failing;
            failing = true;
        }
        if (first) {
            logger.log(System.Logger.Level.WARNING, what + " failed; further failures are counted,"
                    + " not logged, until one succeeds", failure);
        }
    }

    /** Ends a burst, if one is open, with one INFO line giving its length. */
    public void succeeded() {
        if (!failing) {
            return;
        }
        long ended;
        synchronized (this) {
            if (!failing) {
                return;
            }
            failing = false;
            ended = burst;
            burst = 0;
        }
        logger.log(System.Logger.Level.INFO, what + " succeeded again after " + ended + " failure(s)");
    }

    /** {@return failures since creation} */
    public synchronized long failures() {
        return failures;
    }

    /** {@return the most recent failure, or null if there was none} */
    public synchronized Throwable lastFailure() {
        return last;
    }

    /** {@return true from a failure until the next success} */
    public boolean isFailing() {
        return failing;
    }
}
