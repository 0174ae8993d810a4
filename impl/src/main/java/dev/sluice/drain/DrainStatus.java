package dev.sluice.drain;

import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Caffeine's buffer drain state machine, on its own: it decides when a {@link Work} runs, and
 * makes sure it runs under one lock, on the executor when it can and inline when it must.
 *
 * <p>Four states in one {@code int}, reached only through the accessors of {@link StatusWord}:
 * <pre>
 *   IDLE                    nothing to do
 *   REQUIRED                work is buffered; a drain must be scheduled
 *   PROCESSING_TO_IDLE      a drain is scheduled or running; nothing arrived since it began
 *   PROCESSING_TO_REQUIRED  a drain is scheduled or running, and work arrived after it began
 * </pre>
 * SPEC.md ("Drain state machine") has the full table; {@code DrainStatusTableTest} checks every
 * state × event against it.
 *
 * <p>Deviations from the seed article (both named in SPEC.md, both kept as variants in impl's test
 * sources, published as its test jar for the stress tests and lincheck):
 * <ol type="a">
 *   <li>The IDLE arm of {@link #scheduleAfterWrite()} retries when its CAS fails, as Caffeine's
 *       main branch does (checked at commit ccef9554); Caffeine 3.2.4 and the seed ignore the
 *       result. See {@code SeedIdleArmDrainStatus}.
 *   <li>{@link #maintenance(Runnable)} enters with a <em>volatile</em> store, not the seed's release
 *       store. See {@link #enterMaintenance()} and {@code SeedEntryStoreDrainStatus}.
 * </ol>
 *
 * <p>Locking: {@link #lock} is reentrant because {@link #scheduleDrainBuffers()} runs maintenance
 * inline while holding it when {@code execute} throws, and a caller-runs executor re-enters it
 * from inside {@code execute} (Caffeine issue #130 was the non-reentrant version deadlocking).
 */
public class DrainStatus extends StatusWord {

    /** The maintenance a drain performs; supplied by whoever owns the buffers. */
    public interface Work {
        /**
         * Does a bounded amount of maintenance. Runs only while the drain lock is held, so it must
         * not block on I/O or on another cache's lock.
         *
         * @param ownWrite null, or the event of a writer that found the write buffer full and is
         *     assisting: apply it in this drain after the buffered events, even if something else
         *     fails, so that the writer's own write always reaches the policy
         * @return true if it stopped early and more work remains (the machine then re-arms)
         */
        boolean drain(Runnable ownWrite);

        /**
         * Runs on the thread that ran {@link #drain}, once it no longer holds the drain lock: the
         * place for work that must not run under it, such as write-back I/O.
         *
         * @return true if it changed something a drain must now act on (victims were written
         *     back and can be evicted): the machine then treats it as a write
         */
        default boolean afterUnlock() {
            return false;
        }
    }

    /**
     * How many drains a writer's {@link #assist} runs back to back on its own thread before it
     * hands what is left to the executor. Enough to write back and evict what one drain left; a
     * bound so that a writer is never kept busy by other threads' writes.
     */
    static final int ASSIST_ROUNDS = 16;


    private static final System.Logger LOGGER = System.getLogger(DrainStatus.class.getName());

    final ReentrantLock lock;
    private final Executor executor;
    private final Work work;
    private final Runnable drainTask = () -> drainHere(null, false);
    private final FailureLog drainFailures = new FailureLog(LOGGER, "drain (maintenance)");
    private final FailureLog rejectedTasks =
            new FailureLog(LOGGER, "executor.execute of the drain task (each one drained inline instead)");

    private static final int NOTHING_OWED = 0;
    private static final int FINISH_OWED = 1;
    private static final int FINISH_OWED_AFTER_FAILURE = 2;
    /**
     * What the thread that holds the lock owes once its outermost frame has unlocked: set by
     * {@link #maintenance}, taken by {@link #unlock()}. Guarded by {@link #lock}, so plain. A
     * thread that only scheduled a task owes nothing: the task's thread finishes its own drain,
     * so a writer never runs the write-backs of a drain that ran elsewhere.
     */
    private int owed = NOTHING_OWED;

    /**
     * A machine in IDLE that schedules {@code work} on {@code executor}.
     *
     * @param executor runs drains; may run them on the caller, reject or drop them (SPEC §6)
     * @param work what one drain does
     */
    public DrainStatus(Executor executor, Work work) {
        this(executor, work, new ReentrantLock());
    }

    /** With a lock of the test's (DrainSchedulesTest makes its operations scheduling points). */
    DrainStatus(Executor executor, Work work, ReentrantLock lock) {
        this.executor = Objects.requireNonNull(executor, "executor");
        this.work = Objects.requireNonNull(work, "work");
        this.lock = Objects.requireNonNull(lock, "lock");
    }

    /** {@return what drains have thrown (caught, counted, logged once per burst; SPEC §6)} */
    public final FailureLog drainFailures() {
        return drainFailures;
    }

    /** {@return what {@code executor.execute} has thrown (each such drain ran inline instead)} */
    public final FailureLog rejectedTasks() {
        return rejectedTasks;
    }

    /**
     * Runs {@code read} holding the drain lock, so that it sees everything drains wrote (their
     * unlock happens-before this lock). For a test's view of state only drains touch (the policy
     * order of the conformance traces); never called by the cache.
     *
     * @param <T> what is read
     * @param read the read, quick and not blocking
     * @return what {@code read} returned
     */
    public final <T> T readUnderLock(Supplier<T> read) {
        lock.lock();
        try {
            return read.get();
        } finally {
            lock.unlock();
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
     * handles the new state in its own arm (as Caffeine's main branch does since commit ccef9554;
     * release 3.2.4 still ignores the result). The seed ignores the result and calls
     * {@link #scheduleDrainBuffers()} regardless. Checked by IdleCasStress.
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
     * Call after a read was offered to the lossy read buffer. A full buffer schedules a drain, and
     * so does a REQUIRED that nobody is handling (left by a drain that threw, or by a finisher
     * that handed over): reads pick it up too, as Caffeine 3.2.4's {@code shouldDrainBuffers}
     * does. Opaque, no edge needed: a stale answer costs one missed pick-up, never a wrong
     * schedule, since {@link #scheduleDrainBuffers()} re-checks under the lock. Checked
     * sequentially by {@code HostileExecutorTest} and the table test's read column; no jcstress
     * test, as no ordering depends on it (stress/README.md row 11a).
     *
     * @param bufferFull whether the read buffer refused the read
     */
    public final void scheduleAfterRead(boolean bufferFull) {
        if (bufferFull || statusOpaque() == REQUIRED) {
            scheduleDrainBuffers();
        }
    }

    /**
     * Schedules a drain unless one is already scheduled or running. Called after a write, after a
     * read that found the buffer full or the machine REQUIRED.
     */
    public final void scheduleDrainBuffers() {
        // Opaque gate: a stale answer either returns early while a drain is pending (fine: that
        // drain will see our work, SPEC I-NO-STRANDED-WRITE) or falls through to the re-check.
        if (statusOpaque() >= PROCESSING_TO_IDLE) {
            return;
        }
        if (!lock.tryLock()) {
            // The holder either schedules a drain or runs maintenance and then re-checks REQUIRED
            // in finish(), after its unlock; our status write precedes our failed tryLock, which
            // precedes that unlock (SPEC §7, the store-buffering pair of row 11).
            return;
        }
        int taken = scheduleAndUnlock();
        if (taken != NOTHING_OWED) {
            finish(taken, false);
        }
    }

    /**
     * With the lock held: re-check, publish, hand the task to the executor (or drain inline if
     * {@code execute} throws), unlock.
     *
     * @return what this thread owes now that it has unlocked (a drain ran here: caller-runs or
     *     inline fallback)
     */
    private int scheduleAndUnlock() {
        int taken;
        try {
            // Re-check under the lock: only lock holders leave PROCESSING_*, so a drain seen
            // here is really pending and must not be scheduled twice (I-ONE-DRAINER;
            // WriterWriterStress).
            if (statusOpaque() < PROCESSING_TO_IDLE) {
                // Release: whatever this thread wrote before scheduling is visible to any thread
                // that reads PROCESSING_TO_IDLE with acquire (DrainPublicationStress). The
                // executor also gives the task a happens-before edge from execute().
                setStatusRelease(PROCESSING_TO_IDLE);
                try {
                    executor.execute(drainTask);
                    rejectedTasks.succeeded();
                } catch (Throwable t) {
                    // Rejected, OutOfMemoryError, anything: the work must not be stranded, so run
                    // it here. We still hold the (reentrant) lock, as Caffeine 3.2.4's
                    // scheduleDrainBuffers does.
                    rejectedTasks.failed(t);
                    maintenance(null);
                }
            }
        } finally {
            taken = unlock();
        }
        return taken;
    }

    /**
     * Runs one drain now, on this thread, whatever the state (then finishes as any drain does:
     * if it left REQUIRED, the rest is scheduled). The recovery from a task that an executor
     * dropped: a PROCESSING state that no task will ever leave.
     */
    public final void cleanUp() {
        drainHere(null, false);
    }

    /**
     * A writer's assist when the write buffer is full: drains on the writer's thread, its own
     * event applied by the first drain, and keeps going (at most {@link #ASSIST_ROUNDS} drains)
     * until nothing is left for another drain, victims written back and evicted included. So the
     * write is never lost, the writer never waits for a drain that may never be scheduled
     * (Caffeine issues #77, #90), and the bound holds on an executor that drops every task.
     *
     * @param ownWrite the writer's event, which the write buffer refused
     */
    public final void assist(Runnable ownWrite) {
        drainHere(Objects.requireNonNull(ownWrite, "ownWrite"), true);
    }

    /**
     * Takes the lock, drains, unlocks, finishes: the drain task (on the executor's thread) and
     * {@link #cleanUp()} (one drain) and the assist (drains until done: {@code onCaller}).
     */
    private void drainHere(Runnable ownWrite, boolean onCaller) {
        lock.lock();
        int taken;
        try {
            maintenance(ownWrite);
        } finally {
            taken = unlock();
        }
        if (taken != NOTHING_OWED) {
            finish(taken, onCaller);
        }
    }

    /**
     * Unlocks; on the outermost frame of this thread, also takes what it owes. An inner frame (a
     * caller-runs executor inside {@code execute}, or the inline fallback) leaves it to the outer
     * one, so work that must not run under the lock never does.
     */
    private int unlock() {
        int taken = NOTHING_OWED;
        if (lock.getHoldCount() == 1) {
            taken = owed;
            owed = NOTHING_OWED;
        }
        lock.unlock();
        return taken;
    }

    /**
     * After the outermost unlock of a thread that ran a drain: the owner's unlocked work, then the
     * next drain if the machine is REQUIRED (it stopped early, work arrived, victims were written
     * back, or a writer's tryLock failed against us). A loop, not a call back into the scheduler:
     * the stack stays flat however often it goes round and whatever the executor does with the
     * task (caller-runs and rejecting executors drain right here, in the next round).
     *
     * @param onCaller an assist: the next rounds run here, not on the executor
     */
    private void finish(int taken, boolean onCaller) {
        for (int round = 1; ; round++) {
            if (afterUnlockCaught()) {
                markWorkArrived();
            }
            if (taken == FINISH_OWED_AFTER_FAILURE) {
                // Not retried in a loop (it may fail the same way forever): the REQUIRED it left
                // is picked up by the next read or write.
                return;
            }
            // Volatile: the holder's half of the store-buffering pair (our unlock's release of
            // the lock state, then this load) against a writer that CASes REQUIRED and then
            // fails tryLock. Acquire would let this load pass the unlock (SPEC §7 row 11;
            // WriterExitStress).
            if (statusVolatile() != REQUIRED) {
                return;
            }
            if (onCaller && round < ASSIST_ROUNDS) {
                lock.lock();
                try {
                    maintenance(null);
                } finally {
                    taken = unlock();
                }
            } else if (lock.tryLock()) {
                taken = scheduleAndUnlock();
            } else {
                return; // the holder re-checks after its own unlock
            }
            if (taken == NOTHING_OWED) {
                return; // handed to the executor: the task's thread finishes that drain
            }
        }
    }

    private boolean afterUnlockCaught() {
        try {
            return work.afterUnlock();
        } catch (Throwable t) {
            drainFailures.failed(t);
            return false;
        }
    }

    /**
     * Work arrived that nothing buffered (victims written back): mark the machine as a write
     * does, without scheduling; {@link #finish} schedules if this leaves REQUIRED. Volatile
     * read and CASes, as in {@link #scheduleAfterWrite()}: the CAS on PROCESSING_TO_IDLE is
     * totally ordered with a running drain's exit CAS (row 9), so either that drain goes round
     * again or we re-read IDLE and mark REQUIRED ourselves. No buffer is involved, so there is no
     * store-buffering pair to guard: what the drain must see (the victim's clean state) is read
     * under the node's monitor, which orders it. No jcstress test isolates this; a lost mark
     * would leave written-back victims unevicted, which {@code HostileEnvironmentTest} (the
     * bound on a dropping executor) and {@code FaultSoakTest} (I-BOUND after recovery) check.
     */
    private void markWorkArrived() {
        for (;;) {
            int current = statusVolatile();
            if (current == IDLE) {
                if (casStatus(IDLE, REQUIRED)) {
                    return;
                }
            } else if (current == PROCESSING_TO_IDLE) {
                if (casStatus(PROCESSING_TO_IDLE, PROCESSING_TO_REQUIRED)) {
                    return;
                }
            } else {
                return; // REQUIRED or PROCESSING_TO_REQUIRED: marked already
            }
        }
    }

    /**
     * One run of maintenance. Only ever called with {@link #lock} held. Never throws: what the
     * work throws is counted and logged (once per burst), and the drain counts as stopped early,
     * so whatever it left is not stranded at IDLE.
     */
    protected final void maintenance(Runnable ownWrite) {
        enterMaintenance();
        boolean stoppedEarly = true;
        try {
            stoppedEarly = work.drain(ownWrite);
            owed = Math.max(owed, FINISH_OWED);
            drainFailures.succeeded();
        } catch (Throwable t) {
            owed = FINISH_OWED_AFTER_FAILURE;
            drainFailures.failed(t);
        } finally {
            if (stoppedEarly) {
                // Bounded work stopped early (or failed): re-arm. Opaque is enough: only this
                // lock holder and writers' PROCESSING_TO_IDLE -> PROCESSING_TO_REQUIRED CAS write
                // the status now, both write the same value, and the exit below reads it in
                // program order.
                setStatusOpaque(PROCESSING_TO_REQUIRED);
            }
            // Leave for IDLE only if no write arrived since entry. The CAS pairs with the writers'
            // CAS on PROCESSING_TO_IDLE: one of them wins, and a writer that loses re-reads IDLE
            // and schedules a new drain itself. Otherwise REQUIRED: the opaque store is ordered for
            // this thread's finish() read, and other threads reach the lock before acting on it
            // (tryLock is an acquire).
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
