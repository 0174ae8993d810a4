package dev.sluice.cache;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A labelled thread of a staged trace ({@code spawn t1 <operation>}). After every step the
 * replayer lets each one settle: run until it finishes or parks (at a gate, or waiting for
 * another thread's claim or load), so that which step's output an event lands in does not
 * depend on timing.
 */
final class TraceThread {
    private final String label;
    private final String verb;
    private final Thread thread;
    private volatile String result;

    TraceThread(String label, String verb, Supplier<String> operation) {
        this.label = label;
        this.verb = verb;
        this.thread = new Thread(() -> result = operation.get(), "trace-" + label);
        thread.setDaemon(true);
        thread.start();
    }

    String verb() {
        return verb;
    }

    /** Until the thread has finished or has stayed parked for two looks 5 ms apart; at most 10 s. */
    void settle() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        int parkedLooks = 0;
        while (parkedLooks < 2) {
            Thread.State state = thread.getState();
            if (state == Thread.State.TERMINATED) {
                return;
            }
            boolean parked = state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING
                    || state == Thread.State.BLOCKED;
            parkedLooks = parked ? parkedLooks + 1 : 0;
            if (System.nanoTime() > deadline) {
                throw new AssertionError("trace thread " + label + " neither finished nor parked in 10 s"
                        + " (a spin or a livelock)");
            }
            Thread.sleep(5);
        }
    }

    boolean finished() {
        return thread.getState() == Thread.State.TERMINATED;
    }

    /** The operation's result line; fails if it has not finished within 10 s (a hang). */
    String join() throws InterruptedException {
        thread.join(TimeUnit.SECONDS.toMillis(10));
        if (thread.isAlive()) {
            throw new AssertionError("trace thread " + label + " did not finish within 10 s of its join"
                    + " (a hang or a deadlock)");
        }
        return result;
    }
}
