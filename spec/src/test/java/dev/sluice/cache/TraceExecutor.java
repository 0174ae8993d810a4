package dev.sluice.cache;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * A trace's executor, one per cache or machine (PORTING.md, "Executor modes"): caller-runs runs
 * the task inside {@code execute}; queueing keeps it until a {@code run-task} step; rejecting
 * throws from {@code execute}; dropping accepts the task and never runs it.
 */
final class TraceExecutor implements Executor {
    enum Mode { CALLER_RUNS, QUEUEING, REJECTING, DROPPING }

    final Mode mode;
    private final ArrayDeque<Runnable> queued = new ArrayDeque<>();

    TraceExecutor(Mode mode) {
        this.mode = mode;
    }

    static TraceExecutor parse(String mode) {
        return new TraceExecutor(Mode.valueOf(mode.toUpperCase().replace('-', '_')));
    }

    @Override
    public void execute(Runnable task) {
        switch (mode) {
            case CALLER_RUNS -> task.run();
            case QUEUEING -> {
                synchronized (queued) {
                    queued.add(task);
                }
            }
            case REJECTING -> throw new RejectedExecutionException("the trace's executor rejects every task");
            case DROPPING -> { }
        }
    }

    /** Runs the oldest queued task on this thread; false if none is queued. */
    boolean runOne() {
        Runnable task;
        synchronized (queued) {
            task = queued.poll();
        }
        if (task == null) {
            return false;
        }
        task.run();
        return true;
    }

    int queuedCount() {
        synchronized (queued) {
            return queued.size();
        }
    }
}
