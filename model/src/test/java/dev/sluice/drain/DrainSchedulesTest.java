package dev.sluice.drain;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

/**
 * Every interleaving of short drain scenarios, on the real {@link DrainStatus} code: each access
 * to the status word, each lock operation and each buffer operation is a step of
 * {@link StepScheduler}, which runs every order of the steps (exhaustively for two threads with
 * one event each; with at most two preemptions beyond that, which is where CHESS found nearly all
 * bugs). After each schedule the test checks, in the terms of the code that uses the machine:
 * SPEC I-NO-STRANDED-WRITE (no buffered write and no arrived work is left with nothing queued to
 * drain it, and on a caller-runs executor nothing is left at all) and I-ONE-DRAINER (no second
 * task is handed over while one is still waiting to run). It also counts each CAS's failure path
 * taken (SPEC §3), and fails if one was never reached: a check that never takes a failure path
 * cannot find a bug there (issue 15).
 *
 * <p>What is atomic here: the code between two steps. Buffers are one step per offer or poll
 * (their own orderings are jcstress's). Sequential consistency only, as lincheck and TLC.
 */
class DrainSchedulesTest {
    /** Failures by expect * 4 + update, over all the schedules of this class. */
    private static final long[] CAS_FAILURES = new long[16];

    /** One schedule's world: the machine, a buffer, the tasks handed to the executor. */
    private static final class World {
        final StepScheduler scheduler = new StepScheduler();
        final Queue<Runnable> queued = new ArrayDeque<>();
        final WriteBuffer<Boolean> buffer = new WriteBuffer<>(16);
        final DrainStatus machine;
        final boolean callerRuns;
        int earlyStops;
        int victimRounds;
        boolean workArrived;
        boolean secondTaskWhileOneWaits;
        /** cleanUp drains without a task, so a task may still wait when the next is handed over. */
        boolean hasCleaner;

        World(boolean callerRuns, int stopEarlyTimes, int victimTimes) {
            this.callerRuns = callerRuns;
            this.earlyStops = stopEarlyTimes;
            this.victimRounds = victimTimes;
            Executor executor = callerRuns ? Runnable::run : task -> {
                secondTaskWhileOneWaits |= !queued.isEmpty();
                queued.add(task);
            };
            machine = new ScheduledMachine(scheduler, executor, new DrainStatus.Work() {
                @Override
                public boolean drain(Runnable ownWrite) {
                    workArrived = false;
                    // A drain that stops early spends its budget on one write and leaves the rest.
                    boolean stopEarly = earlyStops-- > 0;
                    for (;;) {
                        scheduler.step("poll");
                        if (buffer.poll() == null || stopEarly) {
                            return stopEarly;
                        }
                    }
                }

                @Override
                public boolean afterUnlock() {
                    if (victimRounds > 0) {
                        // The write-backs take time after the unlock: another drain may start
                        // (and pass its eviction scan) before they are done.
                        scheduler.step("write back victims");
                    }
                    if (victimRounds-- > 0) {
                        workArrived = true;
                        return true;
                    }
                    return false;
                }
            });
        }

        void writer(String name, int writes) {
            scheduler.worker(name, () -> {
                for (int i = 0; i < writes; i++) {
                    scheduler.step("offer");
                    buffer.offer(Boolean.TRUE);
                    machine.scheduleAfterWrite();
                }
            });
        }

        /** The executor's thread: runs each task handed over, when there is one. */
        void executorThread(int tasks) {
            scheduler.worker("executor", () -> {
                for (int i = 0; i < tasks; i++) {
                    scheduler.step("take a task", () -> !queued.isEmpty(), true);
                    queued.poll().run();
                }
            });
        }

        void cleaner() {
            hasCleaner = true;
            scheduler.worker("cleanUp", machine::cleanUp);
        }

        /** What the code that owns the machine may rely on once every thread is done. */
        String violation() {
            if (!callerRuns && !hasCleaner && secondTaskWhileOneWaits) {
                return "I-ONE-DRAINER: a second drain task was handed over while one was still waiting to run";
            }
            boolean leftOver = !buffer.isEmpty() || workArrived;
            if (callerRuns && (leftOver || machine.status() != StatusWord.IDLE)) {
                return "I-NO-STRANDED-WRITE: every thread returned on a caller-runs executor, and the status is "
                        + StatusWord.name(machine.status()) + (buffer.isEmpty() ? "" : ", a write is buffered")
                        + (workArrived ? ", victims written back wait for a drain" : "");
            }
            if (!callerRuns && leftOver && queued.isEmpty()) {
                return "I-NO-STRANDED-WRITE: " + (buffer.isEmpty() ? "victims written back wait" : "a write is buffered")
                        + ", the status is " + StatusWord.name(machine.status()) + ", and no drain task is queued";
            }
            return null;
        }
    }

    /** The real machine with each access to the status word a step. */
    private static final class ScheduledMachine extends DrainStatus {
        private final StepScheduler scheduler;

        ScheduledMachine(StepScheduler scheduler, Executor executor, Work work) {
            super(executor, work, new ScheduledLock(scheduler));
            this.scheduler = scheduler;
        }

        @Override
        protected int statusOpaque() {
            scheduler.step("statusOpaque");
            return super.statusOpaque();
        }

        @Override
        protected int statusAcquire() {
            scheduler.step("statusAcquire");
            return super.statusAcquire();
        }

        @Override
        protected int statusVolatile() {
            scheduler.step("statusVolatile");
            return super.statusVolatile();
        }

        @Override
        protected void setStatusOpaque(int value) {
            scheduler.step("setStatusOpaque(" + name(value) + ")");
            super.setStatusOpaque(value);
        }

        @Override
        protected void setStatusRelease(int value) {
            scheduler.step("setStatusRelease(" + name(value) + ")");
            super.setStatusRelease(value);
        }

        @Override
        protected void setStatusVolatile(int value) {
            scheduler.step("setStatusVolatile(" + name(value) + ")");
            super.setStatusVolatile(value);
        }

        @Override
        protected boolean casStatus(int expect, int update) {
            scheduler.step("casStatus(" + name(expect) + " -> " + name(update) + ")");
            boolean won = super.casStatus(expect, update);
            if (!won) {
                synchronized (CAS_FAILURES) {
                    CAS_FAILURES[expect * 4 + update]++;
                }
            }
            return won;
        }
    }

    /** The drain lock with each operation a step; lock() is picked only when it would not block. */
    private static final class ScheduledLock extends ReentrantLock {
        private static final long serialVersionUID = 1L;
        private final transient StepScheduler scheduler;

        ScheduledLock(StepScheduler scheduler) {
            this.scheduler = scheduler;
        }

        @Override
        public void lock() {
            Thread me = Thread.currentThread();
            scheduler.step("lock", () -> !isLocked() || getOwner() == me, false);
            super.lock();
        }

        @Override
        public boolean tryLock() {
            scheduler.step("tryLock");
            return super.tryLock();
        }

        @Override
        public void unlock() {
            scheduler.step("unlock");
            super.unlock();
        }
    }

    /** A scenario: builds a fresh world with its threads. */
    private interface Shape {
        World build();
    }

    /**
     * Runs every schedule of {@code shape} (with at most {@code preemptionBound} preemptions) and
     * fails on the first that breaks an invariant, with its steps.
     *
     * @return how many schedules were run
     */
    private static int everySchedule(String name, int preemptionBound, Shape shape) {
        List<Integer> prefix = List.of();
        int schedules = 0;
        long start = System.nanoTime();
        while (prefix != null) {
            if (schedules == MAX_SCHEDULES) {
                fail(name + ": more than " + MAX_SCHEDULES + " schedules: choose a smaller shape or preemption bound");
            }
            World world = shape.build();
            StepScheduler.Run run = world.scheduler.run(prefix, preemptionBound);
            schedules++;
            String violation = run.problem() != null ? "§3 progress: " + run.problem() : world.violation();
            if (violation != null) {
                fail(name + ", schedule " + schedules + ": " + violation + "\n  steps: " + String.join("\n         ", run.trace()),
                        world.scheduler.failure());
            }
            prefix = StepScheduler.next(run);
        }
        System.out.println("drain schedules: " + name + ": " + schedules + " schedules"
                + ", all with at most " + preemptionBound + " preemptions"
                + ", " + (System.nanoTime() - start) / 1_000_000 + " ms");
        return schedules;
    }

    /** Preemptions per schedule: 3 here, 4 in the thorough profile (sluice.lincheck.scale 10). */
    private static final int PREEMPTIONS = Integer.getInteger("sluice.lincheck.scale", 1) >= 10 ? 4 : 3;
    private static final int MAX_SCHEDULES = 200_000;

    @Test
    void twoWritersAndTheExecutorThread() {
        everySchedule("two writers, one write each, a queueing executor", PREEMPTIONS, () -> {
            World w = new World(false, 0, 0);
            w.writer("writer 1", 1);
            w.writer("writer 2", 1);
            w.executorThread(2);
            return w;
        });
        everySchedule("two writers, two writes each, a queueing executor", PREEMPTIONS - 1, () -> {
            World w = new World(false, 0, 0);
            w.writer("writer 1", 2);
            w.writer("writer 2", 2);
            w.executorThread(3);
            return w;
        });
    }

    @Test
    void aDrainThatStopsEarlyOrWritesBackVictims() {
        everySchedule("a writer and a drain that stops early once", PREEMPTIONS, () -> {
            World w = new World(false, 1, 0);
            w.writer("writer 1", 2);
            w.executorThread(3);
            return w;
        });
        everySchedule("a writer and a drain whose write-backs free victims once", PREEMPTIONS, () -> {
            World w = new World(false, 0, 1);
            w.writer("writer 1", 2);
            w.executorThread(3);
            return w;
        });
        everySchedule("two writers, a drain that stops early and frees victims", PREEMPTIONS, () -> {
            World w = new World(false, 1, 1);
            w.writer("writer 1", 1);
            w.writer("writer 2", 1);
            w.executorThread(4);
            return w;
        });
    }

    @Test
    void writersOnACallerRunsExecutor() {
        everySchedule("two writers on a caller-runs executor, one write each", PREEMPTIONS, () -> {
            World w = new World(true, 0, 0);
            w.writer("writer 1", 1);
            w.writer("writer 2", 1);
            return w;
        });
        everySchedule("two writers on a caller-runs executor, two writes each, early stops, victims", PREEMPTIONS - 1, () -> {
            World w = new World(true, 1, 1);
            w.writer("writer 1", 2);
            w.writer("writer 2", 2);
            return w;
        });
    }

    @Test
    void aWriterAndCleanUp() {
        everySchedule("a writer and cleanUp, a queueing executor", PREEMPTIONS, () -> {
            World w = new World(false, 0, 0);
            w.writer("writer 1", 2);
            w.cleaner();
            w.executorThread(2);
            return w;
        });
        // Two drains at once (the task's and cleanUp's): the first frees victims after its
        // unlock, while the second may be about to leave (added after M40 escaped every checker).
        everySchedule("a drain that frees victims while cleanUp drains", PREEMPTIONS, () -> {
            World w = new World(false, 0, 1);
            w.writer("writer 1", 1);
            w.cleaner();
            w.executorThread(2);
            return w;
        });
    }

    /**
     * Its own schedules, so that the count does not depend on the order JUnit runs the tests in:
     * two writers racing the executor's drain, and a drain that stops early and frees victims.
     */
    @Test
    void everyCasFailurePathIsTaken() {
        synchronized (CAS_FAILURES) {
            java.util.Arrays.fill(CAS_FAILURES, 0);
        }
        everySchedule("CAS failure paths: two writers, one write each", 2, () -> {
            World w = new World(false, 0, 0);
            w.writer("writer 1", 1);
            w.writer("writer 2", 1);
            w.executorThread(2);
            return w;
        });
        everySchedule("CAS failure paths: a writer, early stops and victims", 2, () -> {
            World w = new World(false, 1, 1);
            w.writer("writer 1", 2);
            w.executorThread(4);
            return w;
        });
        Map<String, Long> reached = new TreeMap<>();
        synchronized (CAS_FAILURES) {
            for (int i = 0; i < 16; i++) {
                if (CAS_FAILURES[i] > 0) {
                    reached.put(StatusWord.name(i / 4) + " -> " + StatusWord.name(i % 4), CAS_FAILURES[i]);
                }
            }
        }
        System.out.println("drain schedules: CAS failures taken: " + reached);
        for (String path : List.of("IDLE -> REQUIRED", "PROCESSING_TO_IDLE -> PROCESSING_TO_REQUIRED", "PROCESSING_TO_IDLE -> IDLE")) {
            assertTrue(reached.getOrDefault(path, 0L) > 0, "§3 CAS failure paths: no schedule took the failure path of "
                    + path + "; taken: " + reached);
        }
    }
}
