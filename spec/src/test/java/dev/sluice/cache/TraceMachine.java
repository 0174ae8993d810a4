package dev.sluice.cache;

import dev.sluice.drain.DrainStatus;

/**
 * The drain machine alone, for the drain traces (PORTING.md, "Drain-machine traces"): a
 * {@link DrainStatus} over a counter of buffered work. One drain takes at most {@code batch}
 * units and reports "stopped early" while any are left; hooks make the next drain receive a write
 * or throw. The state line shows what a port must reproduce: status, work left, tasks queued,
 * drains run.
 */
final class TraceMachine {
    final String name;
    final TraceExecutor executor;
    private final int batch;
    private final Machine machine;
    private int buffered;
    private int drains;
    private int ownWrites;
    private String nextDrain = "";

    /** Only to start a trace in any state (the {@code force} step). */
    private static final class Machine extends DrainStatus {
        Machine(TraceExecutor executor, Work work) {
            super(executor, work);
        }

        void force(int status) {
            setStatusVolatile(status);
        }
    }

    TraceMachine(String name, int batch, TraceExecutor executor) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be >= 1, was " + batch);
        }
        this.name = name;
        this.batch = batch;
        this.executor = executor;
        this.machine = new Machine(executor, this::drain);
    }

    private boolean drain(Runnable ownWrite) {
        drains++;
        String hook = nextDrain;
        nextDrain = "";
        if (ownWrite != null) {
            ownWrite.run();
        }
        buffered -= Math.min(batch, buffered);
        if (hook.equals("write")) {
            buffered++;
            machine.scheduleAfterWrite();
        } else if (hook.equals("throw")) {
            throw new IllegalStateException("the trace's drain throws");
        }
        return buffered > 0;
    }

    /** Runs one drain-machine command; returns its result line. */
    String run(String verb, String[] args) {
        switch (verb) {
            case "write" -> { // write M [N]: N units buffered by one write (a long re-arm chain)
                buffered += args.length > 2 ? Integer.parseInt(args[2]) : 1;
                machine.scheduleAfterWrite();
            }
            case "read" -> machine.scheduleAfterRead(false);
            case "read-full" -> machine.scheduleAfterRead(true);
            case "assist" -> machine.assist(() -> ownWrites++);
            case "clean-up" -> machine.cleanUp();
            case "next-drain" -> nextDrain = args[2];
            case "force" -> machine.force(status(args[2]));
            default -> throw new IllegalArgumentException("not a drain-machine command: " + verb);
        }
        return "ok";
    }

    String state() {
        return "machine " + name + " status=" + DrainStatus.name(machine.status()) + " buffered=" + buffered
                + " tasks=" + executor.queuedCount() + " drains=" + drains + " own-writes=" + ownWrites;
    }

    private static int status(String name) {
        return switch (name) {
            case "IDLE" -> DrainStatus.IDLE;
            case "REQUIRED" -> DrainStatus.REQUIRED;
            case "PROCESSING_TO_IDLE" -> DrainStatus.PROCESSING_TO_IDLE;
            case "PROCESSING_TO_REQUIRED" -> DrainStatus.PROCESSING_TO_REQUIRED;
            default -> throw new IllegalArgumentException("not a drain status: " + name);
        };
    }
}
