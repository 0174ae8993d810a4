package dev.sluice.drain;

import static dev.sluice.drain.DrainStatus.IDLE;
import static dev.sluice.drain.DrainStatus.PROCESSING_TO_IDLE;
import static dev.sluice.drain.DrainStatus.PROCESSING_TO_REQUIRED;
import static dev.sluice.drain.DrainStatus.REQUIRED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every state × event of the drain machine against the transition table in SPEC.md ("Drain
 * state machine"), with an executor that queues tasks (MANUAL) and one whose execute throws
 * (THROWING). Sequential: the concurrent behaviour is checked by lincheck and jcstress.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a hang fails
class DrainStatusTableTest {
    private static final Map<String, Integer> STATES = Map.of("IDLE", IDLE, "REQUIRED", REQUIRED,
            "PROCESSING_TO_IDLE", PROCESSING_TO_IDLE, "PROCESSING_TO_REQUIRED", PROCESSING_TO_REQUIRED);

    /** Queues tasks instead of running them, or throws from execute. */
    static final class TestExecutor implements Executor {
        final ArrayDeque<Runnable> queued = new ArrayDeque<>();
        final boolean throwing;
        int executeCalls;

        TestExecutor(boolean throwing) {
            this.throwing = throwing;
        }

        @Override
        public void execute(Runnable task) {
            executeCalls++;
            if (throwing) {
                throw new RejectedExecutionException("test executor rejects every task");
            }
            queued.add(task);
        }
    }

    /** Counts drains; the first {@code earlyStops} of them report that work remains. */
    static final class CountingWork implements DrainStatus.Work {
        int drains;
        int earlyStops;
        int ownWrites;
        Runnable duringDrain = () -> {};

        @Override
        public boolean drain(Runnable ownWrite) {
            drains++;
            if (ownWrite != null) {
                ownWrites++;
                ownWrite.run();
            }
            duringDrain.run();
            return earlyStops-- > 0;
        }
    }

    @ParameterizedTest(name = "{0} + {1} on {2} -> {3}, {4} task(s) queued, {5} inline drain(s)")
    @CsvSource({
        // start,                 event,        executor, next,                   queued, drains
        "IDLE,                    WRITE,        MANUAL,   PROCESSING_TO_IDLE,     1, 0",
        "IDLE,                    WRITE,        THROWING, IDLE,                   0, 1",
        "IDLE,                    READ_FULL,    MANUAL,   PROCESSING_TO_IDLE,     1, 0",
        "IDLE,                    READ_FULL,    THROWING, IDLE,                   0, 1",
        "IDLE,                    CLEANUP,      MANUAL,   IDLE,                   0, 1",
        "REQUIRED,                WRITE,        MANUAL,   PROCESSING_TO_IDLE,     1, 0",
        "REQUIRED,                WRITE,        THROWING, IDLE,                   0, 1",
        "REQUIRED,                READ_FULL,    MANUAL,   PROCESSING_TO_IDLE,     1, 0",
        "REQUIRED,                READ_FULL,    THROWING, IDLE,                   0, 1",
        "REQUIRED,                CLEANUP,      MANUAL,   IDLE,                   0, 1",
        "PROCESSING_TO_IDLE,      WRITE,        MANUAL,   PROCESSING_TO_REQUIRED, 0, 0",
        "PROCESSING_TO_IDLE,      WRITE,        THROWING, PROCESSING_TO_REQUIRED, 0, 0",
        "PROCESSING_TO_IDLE,      READ_FULL,    MANUAL,   PROCESSING_TO_IDLE,     0, 0",
        "PROCESSING_TO_IDLE,      CLEANUP,      MANUAL,   IDLE,                   0, 1",
        "PROCESSING_TO_REQUIRED,  WRITE,        MANUAL,   PROCESSING_TO_REQUIRED, 0, 0",
        "PROCESSING_TO_REQUIRED,  READ_FULL,    MANUAL,   PROCESSING_TO_REQUIRED, 0, 0",
        "PROCESSING_TO_REQUIRED,  CLEANUP,      MANUAL,   IDLE,                   0, 1",
        "PROCESSING_TO_REQUIRED,  CLEANUP,      THROWING, IDLE,                   0, 1",
        "IDLE,                    READ,         MANUAL,   IDLE,                   0, 0",
        "REQUIRED,                READ,         MANUAL,   PROCESSING_TO_IDLE,     1, 0",
        "REQUIRED,                READ,         THROWING, IDLE,                   0, 1",
        "PROCESSING_TO_IDLE,      READ,         MANUAL,   PROCESSING_TO_IDLE,     0, 0",
        "PROCESSING_TO_REQUIRED,  READ,         MANUAL,   PROCESSING_TO_REQUIRED, 0, 0",
    })
    void transition(String start, String event, String executorKind, String next, int queued, int drains) {
        TestExecutor executor = new TestExecutor(executorKind.equals("THROWING"));
        CountingWork work = new CountingWork();
        DrainStatus machine = new DrainStatus(executor, work);
        machine.setStatusOpaque(STATES.get(start));

        fire(machine, event);

        String row = "§3 table, " + start + " + " + event + " (" + executorKind + " executor)";
        assertEquals(next, DrainStatus.name(machine.status()), row + ": next state");
        assertEquals(queued, executor.queued.size(), row + ": drain tasks queued on the executor");
        assertEquals(drains, work.drains, row + ": drains run inline");
        assertFalse(machine.lock.isLocked(), row + ": the lock is released");
    }

    private static void fire(DrainStatus machine, String event) {
        switch (event) {
            case "WRITE": machine.scheduleAfterWrite(); break;
            case "READ_FULL": machine.scheduleDrainBuffers(); break;
            case "CLEANUP": machine.cleanUp(); break;
            case "READ": machine.scheduleAfterRead(false); break;
            default: throw new AssertionError("unknown event " + event);
        }
    }

    @ParameterizedTest(name = "scheduled task from {0} -> IDLE")
    @CsvSource({"PROCESSING_TO_IDLE", "PROCESSING_TO_REQUIRED"})
    void scheduledTaskRunsMaintenanceAndSettlesIdle(String start) {
        TestExecutor executor = new TestExecutor(false);
        CountingWork work = new CountingWork();
        DrainStatus machine = new DrainStatus(executor, work);
        machine.scheduleAfterWrite(); // IDLE -> PROCESSING_TO_IDLE, one task queued
        machine.setStatusOpaque(STATES.get(start));

        executor.queued.poll().run();

        assertEquals("IDLE", DrainStatus.name(machine.status()), "§3 scheduled task: settles in IDLE");
        assertEquals(1, work.drains, "§3 scheduled task: runs one drain");
        assertTrue(executor.queued.isEmpty(), "§3 scheduled task: queues nothing more");
    }

    @Test
    void writeDuringDrainLeavesRequiredAndReschedules() {
        TestExecutor executor = new TestExecutor(false);
        CountingWork work = new CountingWork();
        DrainStatus machine = new DrainStatus(executor, work);
        work.duringDrain = machine::scheduleAfterWrite; // PROCESSING_TO_IDLE -> PROCESSING_TO_REQUIRED
        machine.scheduleAfterWrite();

        executor.queued.poll().run(); // exit finds PROCESSING_TO_REQUIRED -> REQUIRED -> rescheduled

        assertEquals("PROCESSING_TO_IDLE", DrainStatus.name(machine.status()), "§3 PROCESSING_TO_REQUIRED: a write during the drain leaves for a new task");
        assertEquals(1, executor.queued.size(), "§3 PROCESSING_TO_REQUIRED: the write that arrived mid-drain got its own drain");
    }

    @Test
    void earlyStopReArmsAndReschedules() {
        TestExecutor executor = new TestExecutor(false);
        CountingWork work = new CountingWork();
        work.earlyStops = 1;
        DrainStatus machine = new DrainStatus(executor, work);
        machine.scheduleAfterWrite();

        executor.queued.poll().run(); // stops early -> PROCESSING_TO_REQUIRED -> REQUIRED -> scheduled

        assertEquals("PROCESSING_TO_IDLE", DrainStatus.name(machine.status()), "§3 re-arm: re-armed and re-scheduled");
        assertEquals(1, executor.queued.size(), "§3 re-arm: the rest of the work got its own task");
        executor.queued.poll().run();
        assertEquals("IDLE", DrainStatus.name(machine.status()), "§3 re-arm: the second task settles in IDLE");
        assertEquals(2, work.drains, "§3 re-arm: two drains in all");
    }

    @Test
    void cleanUpIsOneDrainThenSchedulesTheRest() {
        TestExecutor executor = new TestExecutor(false);
        CountingWork work = new CountingWork();
        work.earlyStops = 1;
        DrainStatus machine = new DrainStatus(executor, work);

        machine.cleanUp(); // stops early -> PROCESSING_TO_REQUIRED -> REQUIRED -> scheduled

        assertEquals(1, work.drains, "§3 cleanUp: cleanUp runs one drain");
        assertEquals("PROCESSING_TO_IDLE", DrainStatus.name(machine.status()), "§3 cleanUp: the rest is scheduled");
        assertEquals(1, executor.queued.size(), "§3 cleanUp: one task queued for the rest");
    }

    @Test
    void anAssistDrainsOnTheWriterUntilDoneThenHandsOver() {
        TestExecutor executor = new TestExecutor(false);
        CountingWork work = new CountingWork();
        work.earlyStops = 3;
        DrainStatus machine = new DrainStatus(executor, work);

        machine.assist(() -> { });
        assertEquals("IDLE", DrainStatus.name(machine.status()), "§3 assist: an assist leaves nothing for another drain");
        assertEquals(4, work.drains, "§3 assist: three early stops, then the drain that finished");
        assertEquals(1, work.ownWrites, "I-NO-STRANDED-WRITE, §3 assist: the writer's own event, applied by the first drain");
        assertTrue(executor.queued.isEmpty(), "§3 assist: nothing handed to the executor");

        work.earlyStops = DrainStatus.ASSIST_ROUNDS + 5;
        machine.assist(() -> { });
        assertEquals(4 + DrainStatus.ASSIST_ROUNDS, work.drains, "§3 assist: at most ASSIST_ROUNDS drains on the writer");
        assertEquals("PROCESSING_TO_IDLE", DrainStatus.name(machine.status()), "§3 assist: the rest is scheduled");
        assertEquals(1, executor.queued.size(), "§3 assist: one task queued for the rest");
    }

    @Test
    void earlyStopWithThrowingExecutorDrainsInlineUntilDone() {
        TestExecutor executor = new TestExecutor(true);
        CountingWork work = new CountingWork();
        work.earlyStops = 3;
        DrainStatus machine = new DrainStatus(executor, work);

        machine.scheduleAfterWrite();

        assertEquals("IDLE", DrainStatus.name(machine.status()), "§3 inline fallback: settles in IDLE");
        assertEquals(4, work.drains, "§3 inline fallback: one inline drain per early stop, plus the last");
        assertEquals(4, executor.executeCalls, "§3 inline fallback: execute was tried before each inline drain");
    }

    @Test
    void sameThreadExecutorReentersTheLock() {
        CountingWork work = new CountingWork();
        work.earlyStops = 2;
        DrainStatus machine = new DrainStatus(Runnable::run, work);

        machine.scheduleAfterWrite();

        assertEquals("IDLE", DrainStatus.name(machine.status()), "§3 caller-runs (Caffeine #130): settles in IDLE");
        assertEquals(3, work.drains, "§3 caller-runs (Caffeine #130): three drains, no deadlock");
        assertFalse(machine.lock.isLocked(), "§3 caller-runs (Caffeine #130): the lock is released");
    }

    @Test
    void droppedTaskLeavesProcessingUntilCleanUp() {
        CountingWork work = new CountingWork();
        DrainStatus machine = new DrainStatus(task -> { }, work); // accepts and forgets

        machine.scheduleAfterWrite();
        machine.scheduleAfterWrite();
        assertEquals("PROCESSING_TO_REQUIRED", DrainStatus.name(machine.status()), "§6 dropping executor: stuck: no task will run");
        assertEquals(0, work.drains, "§6 dropping executor: no drain ran");

        machine.cleanUp();
        // the exit sees PROCESSING_TO_IDLE (entry overwrote the stale mark) and settles
        assertEquals("IDLE", DrainStatus.name(machine.status()), "I-NO-STRANDED-WRITE: cleanUp recovers the dropped task");
        assertEquals(1, work.drains, "§6 dropping executor: cleanUp ran one drain");
    }

    @Test
    void seedIdleArmIgnoresAFailedCas() {
        // Sequentially the CAS cannot fail, so both arms behave alike here; the concurrent
        // difference is what IdleCasStress measures. This pins the variant's sequential contract.
        TestExecutor executor = new TestExecutor(false);
        DrainStatus seed = new SeedIdleArmDrainStatus(executor, new CountingWork());
        seed.scheduleAfterWrite();
        assertEquals("PROCESSING_TO_IDLE", DrainStatus.name(seed.status()), "§8 seed IDLE arm: schedules although its CAS failed");
        assertEquals(1, executor.queued.size(), "§8 seed IDLE arm: one task queued");
    }

    @Test
    void invalidStatusIsReported() {
        DrainStatus machine = new DrainStatus(Runnable::run, new CountingWork());
        machine.setStatusOpaque(7);
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalStateException.class, machine::scheduleAfterWrite, "§3 states: an invalid status is an error");
        assertTrue(e.getMessage().contains("7"), "§3 states: the error names the status: " + e.getMessage());
    }

    @Test
    void nullArgumentsAreRejected() {
        org.junit.jupiter.api.Assertions.assertThrows(NullPointerException.class,
                () -> new DrainStatus(null, new CountingWork()), "§2 errors: DrainStatus refuses a null executor");
        org.junit.jupiter.api.Assertions.assertThrows(NullPointerException.class,
                () -> new DrainStatus(Runnable::run, null), "§2 errors: DrainStatus refuses a null work");
    }
}
