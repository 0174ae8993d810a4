package dev.sluice.drain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.drain.DrainStatusTableTest.CountingWork;
import dev.sluice.testing.LogCapture;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The drain machine with executors that run tasks on the caller, reject them, drop them or queue
 * them, and with drains that throw (SPEC §3 "Hostile executors", I-NO-STRANDED-WRITE): nothing
 * recurses, nothing throws out of an event, and no PROCESSING state is left with nothing to
 * leave it.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a hang fails
class HostileExecutorTest {
    enum Kind {
        CALLER_RUNS, REJECTING, DROPPING, QUEUEING;

        Executor executor(ArrayDeque<Runnable> queue) {
            switch (this) {
                case CALLER_RUNS: return Runnable::run;
                case REJECTING: return task -> { throw new RejectedExecutionException("rejects every task"); };
                case DROPPING: return task -> { };
                default: return queue::add;
            }
        }
    }

    /** Frames on this thread's stack now. */
    private static long depth() {
        return StackWalker.getInstance().walk(frames -> frames.count());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Kind.class, names = {"CALLER_RUNS", "REJECTING"})
    void aHundredThousandBackToBackReschedulesKeepTheStackFlat(Kind kind) {
        long[] depths = {Long.MAX_VALUE, 0};
        CountingWork work = new CountingWork();
        work.earlyStops = 100_000;
        work.duringDrain = () -> {
            if (work.drains == 1) {
                return; // the first drain is reached through the write's own arm: a frame more or less
            }
            long d = depth();
            depths[0] = Math.min(depths[0], d);
            depths[1] = Math.max(depths[1], d);
        };
        DrainStatus machine = new DrainStatus(kind.executor(null), work);

        machine.scheduleAfterWrite();

        assertEquals(100_001, work.drains, "I-NO-STRANDED-WRITE: every re-armed drain ran");
        assertEquals(depths[0], depths[1], "§6 caller-runs/rejecting: re-scheduling must not grow the stack (fewest vs most frames in drains 2..100,001)");
        assertEquals("IDLE", DrainStatus.name(machine.status()), "I-NO-STRANDED-WRITE: settles in IDLE");
        assertFalse(machine.lock.isLocked(), "§6: the lock is released");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Kind.class)
    void anErrorInsideADrainIsCaughtAndNeverLeavesProcessingWithNothingToLeaveIt(Kind kind) {
        ArrayDeque<Runnable> queue = new ArrayDeque<>();
        CountingWork work = new CountingWork();
        boolean[] thrown = {false};
        work.duringDrain = () -> {
            if (!thrown[0]) {
                thrown[0] = true;
                throw new StackOverflowError("injected into the first drain");
            }
        };
        DrainStatus machine = new DrainStatus(kind.executor(queue), work);

        machine.scheduleAfterWrite(); // must not throw, whatever the executor
        if (kind == Kind.QUEUEING) {
            queue.poll().run(); // the task must not throw either
        }
        if (kind == Kind.DROPPING) {
            assertEquals(0, work.drains, "§6 dropping executor: the dropped task never ran");
            machine.cleanUp(); // the documented recovery; its drain is the one that throws
        }

        assertEquals(1, work.drains, "§6 a drain that throws: it ran once");
        assertEquals(1, machine.drainFailures().failures(), "§6 failure reporting: the failure is counted");
        assertTrue(machine.drainFailures().lastFailure() instanceof StackOverflowError, "§6 failure reporting: the Error is the last failure");
        assertEquals("REQUIRED", DrainStatus.name(machine.status()),
                "I-NO-STRANDED-WRITE: a drain that threw counts as stopped early, so it leaves REQUIRED");
        assertFalse(machine.lock.isLocked(), "§6 a drain that throws: the lock is released");

        machine.scheduleAfterRead(false); // an ordinary read picks the REQUIRED up
        if (kind == Kind.QUEUEING) {
            assertEquals(1, queue.size(), "I-NO-STRANDED-WRITE: the read scheduled a drain");
            queue.poll().run();
        }
        if (kind == Kind.DROPPING) {
            machine.cleanUp();
        }
        assertEquals(2, work.drains, "I-NO-STRANDED-WRITE: the drain after the failure ran");
        assertEquals("IDLE", DrainStatus.name(machine.status()), "I-NO-STRANDED-WRITE: settles in IDLE");
    }

    @Test
    void aReadDoesNotScheduleWhenNothingIsRequired() {
        ArrayDeque<Runnable> queue = new ArrayDeque<>();
        DrainStatus machine = new DrainStatus(queue::add, new CountingWork());
        machine.scheduleAfterRead(false);
        assertTrue(queue.isEmpty(), "§3 reads: an ordinary read on an IDLE machine costs no drain");
        machine.scheduleAfterRead(true);
        assertEquals(1, queue.size(), "§3 reads: a full read buffer schedules one");
    }

    @Test
    void anAssistAppliesTheWritersOwnEventEvenWhenItsExecutorDropsEverything() {
        CountingWork work = new CountingWork();
        DrainStatus machine = new DrainStatus(task -> { }, work);
        machine.scheduleAfterWrite(); // PROCESSING_TO_IDLE, task dropped
        int[] applied = {0};

        machine.assist(() -> applied[0]++);

        assertEquals(1, applied[0], "§3 assist: the writer's own event reached the work");
        assertEquals(1, work.ownWrites, "§3 assist: one own write");
        assertEquals("IDLE", DrainStatus.name(machine.status()), "I-NO-STRANDED-WRITE: settles in IDLE");
    }

    @Test
    void aWriterThatOnlySchedulesNeverRunsTheUnlockedWorkOfADrainElsewhere() {
        ArrayDeque<Runnable> queue = new ArrayDeque<>();
        int[] afterUnlocks = {0};
        DrainStatus machine = new DrainStatus(queue::add, new DrainStatus.Work() {
            @Override
            public boolean drain(Runnable ownWrite) {
                return false;
            }

            @Override
            public boolean afterUnlock() {
                afterUnlocks[0]++;
                return false;
            }
        });

        machine.scheduleAfterWrite();
        assertEquals(0, afterUnlocks[0], "§2 put: scheduling is not draining: the writer owes no write-backs");
        queue.poll().run();
        assertEquals(1, afterUnlocks[0], "§2 put: the thread that drained does the unlocked work");
    }

    @Test
    void rejectionsAreCountedAndLoggedOncePerBurst() {
        try (LogCapture log = new LogCapture()) {
            DrainStatus machine = new DrainStatus(Kind.REJECTING.executor(null), new CountingWork());
            for (int i = 0; i < 1_000; i++) {
                machine.scheduleAfterWrite();
            }
            assertEquals(1_000, machine.rejectedTasks().failures(), "§6 failure reporting: every rejection is counted");
            assertTrue(machine.rejectedTasks().isFailing(), "§6 failure reporting: the burst is open");
            assertEquals(1, log.count(Level.WARNING, "DrainStatus"), "§6 failure reporting: one warning for the whole burst");
            assertEquals(1, log.total(), "§6 failure reporting: and nothing else logged");
        }
    }
}
