package dev.sluice.drain;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Caffeine's buffer drain state machine, on its own: it decides when a {@link Work} runs, and
 * makes sure it runs under one lock, on the executor when it can and inline when it must.
 *
 * <p>Four states in one {@code int}, reached only through {@link #STATUS}:
 * <pre>
 *   IDLE                    nothing to do
 *   REQUIRED                work is buffered; a drain must be scheduled
 *   PROCESSING_TO_IDLE      a drain is scheduled or running; nothing arrived since it began
 *   PROCESSING_TO_REQUIRED  a drain is scheduled or running, and work arrived after it began
 * </pre>
 * SPEC.md ("Drain state machine") has the full table; {@code DrainStatusTableTest} checks every
 * state × event against it.
 *
 * <p>Deviations from the seed article (both named in SPEC.md, both kept as variants for the
 * stress tests):
 * <ol type="a">
 *   <li>The IDLE arm of {@link #scheduleAfterWrite()} retries when its CAS fails, as current
 *       Caffeine does; the seed ignores the result. See {@link SeedIdleArmDrainStatus}.
 *   <li>{@link #maintenance()} enters with a <em>volatile</em> store, not the seed's release
 *       store. See {@link #enterMaintenance()} and {@link SeedEntryStoreDrainStatus}.
 * </ol>
 *
 * <p>Locking: {@link #lock} is reentrant because {@link #scheduleDrainBuffers()} runs maintenance
 * inline while holding it when {@code execute} throws, and a caller-runs executor re-enters it
 * from inside {@code execute} (Caffeine issue #130 was the non-reentrant version deadlocking).
 */
public class DrainStatus {
    public static final int IDLE = 0;
    public static final int REQUIRED = 1;
    public static final int PROCESSING_TO_IDLE = 2;
    public static final int PROCESSING_TO_REQUIRED = 3;

    /** The maintenance a drain performs; supplied by whoever owns the buffers. */
    public interface Work {
        /**
         * Does a bounded amount of maintenance. Runs only while the drain lock is held, so it must
         * not block on I/O or on another cache's lock.
         *
         * @return true if it stopped early and more work remains (the machine then re-arms)
         */
        boolean drain();

        /**
         * Runs on the thread that ran {@link #drain()}, once it no longer holds the drain lock:
         * the place for work that must not run under it, such as write-back I/O.
         */
        default void afterUnlock() {}
    }

    private static final VarHandle STATUS;

    static {
        try {
            STATUS = MethodHandles.lookup().findVarHandle(DrainStatus.class, "status", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Read and written only through {@link #STATUS}; volatile so that no access is plain. */
    @SuppressWarnings("unused")
    private volatile int status = IDLE;

    final ReentrantLock lock = new ReentrantLock();
    private final Executor executor;
    private final Work work;
    private final Runnable drainTask = this::runLocked;
    private final System.Logger logger = System.getLogger(DrainStatus.class.getName());

    public DrainStatus(Executor executor, Work work) {
        this.executor = Objects.requireNonNull(executor, "executor");
        this.work = Objects.requireNonNull(work, "work");
    }

    // ---- the five accessors of the seed, plus the two volatile ones of deviation (b) ----

    /** Opaque: coherent, no ordering. Used only for gates whose decision is re-checked. */
    protected final int statusOpaque() {
        return (int) STATUS.getOpaque(this);
    }

    /** Acquire: pairs with the release (or volatile) store that wrote the value it reads. */
    protected final int statusAcquire() {
        return (int) STATUS.getAcquire(this);
    }

    /**
     * Volatile read: the writer's half of the store-buffering pair described at
     * {@link #enterMaintenance()}. On x86 it compiles to the same plain load as opaque.
     */
    protected final int statusVolatile() {
        return (int) STATUS.getVolatile(this);
    }

    protected final void setStatusOpaque(int value) {
        STATUS.setOpaque(this, value);
    }

    protected final void setStatusRelease(int value) {
        STATUS.setRelease(this, value);
    }

    protected final void setStatusVolatile(int value) {
        STATUS.setVolatile(this, value);
    }

    /** Volatile CAS: totally ordered with every other volatile access. */
    protected final boolean casStatus(int expect, int update) {
        return STATUS.compareAndSet(this, expect, update);
    }

    /** The current state (acquire); for views and tests, not for decisions. */
    public final int status() {
        return statusAcquire();
    }

    public static String name(int status) {
        switch (status) {
            case IDLE: return "IDLE";
            case REQUIRED: return "REQUIRED";
            case PROCESSING_TO_IDLE: return "PROCESSING_TO_IDLE";
            case PROCESSING_TO_REQUIRED: return "PROCESSING_TO_REQUIRED";
            default: return "INVALID(" + status + ")";
        }
    }

    // ---- events ----

    /**
     * Call after work was added to a lossless buffer. The add must be a volatile write (the write
     * buffer's tail CAS): with the volatile read below it forms the writer half of the pair that
     * forbids "write buffered, IDLE, nothing scheduled" (WriterMaintenanceStress).
     */
    public final void scheduleAfterWrite() {
        int current = statusVolatile();
        for (;;) {
            switch (current) {
                case IDLE:
                    if (fromIdle()) {
                        return;
                    }
                    // The CAS failed, so the state moved on: act on the state it moved to.
                    // Acquire is enough: this read is ordered after our CAS attempt, itself volatile.
                    current = statusAcquire();
                    continue;
                case REQUIRED:
                    scheduleDrainBuffers();
                    return;
                case PROCESSING_TO_IDLE:
                    // A drain is running or scheduled but may already have passed our write; tell
                    // it to go round again. The CAS is volatile: the running drain's exit CAS is
                    // ordered with it, so exactly one of (exit to IDLE, our mark) comes first.
                    if (casStatus(PROCESSING_TO_IDLE, PROCESSING_TO_REQUIRED)) {
                        return;
                    }
                    current = statusAcquire();
                    continue;
                case PROCESSING_TO_REQUIRED:
                    return;
                default:
                    throw new IllegalStateException("Invalid drain status: " + current);
            }
        }
    }

    /**
     * The IDLE arm. Deviation (a) from the seed: a failed CAS means another thread changed the
     * state after we read IDLE, so our IDLE reasoning is stale; we return false and the caller
     * handles the new state in its own arm (as Caffeine 3.2.4+ does). The seed ignores the result
     * and calls {@link #scheduleDrainBuffers()} regardless. Checked by IdleCasStress.
     *
     * @return true once the write is handed to a drain
     */
    protected boolean fromIdle() {
        if (!casStatus(IDLE, REQUIRED)) {
            return false;
        }
        scheduleDrainBuffers();
        return true;
    }

    /**
     * Schedules a drain unless one is already scheduled or running. Called after a write and when
     * the read buffer reports FULL.
     */
    public final void scheduleDrainBuffers() {
        // Opaque gate: a stale answer either returns early while a drain is pending (fine: that
        // drain will see our work, SPEC I-NO-STRANDED-WRITE) or falls through to the re-check.
        if (statusOpaque() >= PROCESSING_TO_IDLE) {
            return;
        }
        if (!lock.tryLock()) {
            // The holder either schedules a drain or runs maintenance and then re-checks REQUIRED
            // in finishOutsideLock(), after its unlock; our status write precedes our failed
            // tryLock, which precedes that unlock.
            return;
        }
        try {
            // Re-check under the lock: only lock holders leave PROCESSING_*, so a drain seen
            // here is really pending and must not be scheduled twice (I-ONE-DRAINER;
            // WriterWriterStress).
            if (statusOpaque() >= PROCESSING_TO_IDLE) {
                return;
            }
            // Release: whatever this thread wrote before scheduling is visible to any thread that
            // reads PROCESSING_TO_IDLE with acquire (DrainPublicationStress). The executor also
            // gives the task a happens-before edge from execute().
            setStatusRelease(PROCESSING_TO_IDLE);
            try {
                executor.execute(drainTask);
            } catch (Throwable t) {
                // Rejected, OutOfMemoryError, anything: the work must not be stranded, so run it
                // here. We still hold the (reentrant) lock, as Caffeine does.
                logger.log(System.Logger.Level.WARNING,
                        "executor failed to accept the drain task; draining inline", t);
                maintenance();
            }
        } finally {
            lock.unlock();
        }
        finishOutsideLock();
    }

    /**
     * Runs maintenance now, under the lock, whatever the state: the recovery from a drain task
     * that an executor dropped (a PROCESSING state that no task will ever leave), and the writer's
     * assist when the write buffer is full.
     */
    public final void cleanUp() {
        runLocked();
    }

    private void runLocked() {
        lock.lock();
        try {
            maintenance();
        } finally {
            lock.unlock();
        }
        finishOutsideLock();
    }

    /**
     * Runs the owner's unlocked work and re-schedules when maintenance left REQUIRED (it stopped
     * early, or work arrived while it ran). Skipped while an outer frame of this thread still
     * holds the lock (a caller-runs executor, or an inline fallback): that frame calls it after
     * its own unlock, so work that must not run under the lock never does.
     */
    private void finishOutsideLock() {
        if (lock.isHeldByCurrentThread()) {
            return;
        }
        work.afterUnlock();
        // Acquire pairs with the exit store of REQUIRED by whichever holder last left maintenance.
        if (statusAcquire() == REQUIRED) {
            scheduleDrainBuffers();
        }
    }

    /** One run of maintenance. Only ever called with {@link #lock} held. */
    protected final void maintenance() {
        enterMaintenance();
        try {
            if (work.drain()) {
                // Bounded work stopped early: re-arm. Opaque is enough: only this lock holder and
                // writers' PROCESSING_TO_IDLE -> PROCESSING_TO_REQUIRED CAS write the status now,
                // both write the same value, and the exit below reads it in program order.
                setStatusOpaque(PROCESSING_TO_REQUIRED);
            }
        } finally {
            // Leave for IDLE only if no write arrived since entry. The CAS pairs with the writers'
            // CAS on PROCESSING_TO_IDLE: one of them wins, and a writer that loses re-reads IDLE
            // and schedules a new drain itself. Otherwise REQUIRED: the opaque store is ordered for
            // this thread's finishOutsideLock() read, and other threads reach the lock before
            // acting on it (tryLock is an acquire).
            if (statusOpaque() != PROCESSING_TO_IDLE || !casStatus(PROCESSING_TO_IDLE, IDLE)) {
                setStatusOpaque(REQUIRED);
            }
        }
    }

    /**
     * Deviation (b) from the seed: a volatile store, not a release store.
     *
     * <p>A release store orders the accesses <em>before</em> it, not the loads after it, so a
     * drain could read the write buffer before its PROCESSING_TO_IDLE store became visible
     * (StoreLoad reordering, which x86 does). A writer that offered meanwhile then reads the old
     * PROCESSING_TO_REQUIRED, returns, and the drain exits to IDLE with the write still buffered:
     * stranded. This is store buffering; SC for volatile accesses forbids it when both halves are
     * volatile: here (store status; volatile load of the buffer's tail) and in the writer (CAS on
     * the tail; {@link #statusVolatile()}). Observed on this machine with the release store,
     * never with this one: WriterMaintenanceStress.
     */
    protected void enterMaintenance() {
        setStatusVolatile(PROCESSING_TO_IDLE);
    }
}
