package dev.sluice.drain;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Runs real threads one step at a time, in an order it chooses, and enumerates every order: a
 * stateless depth-first search over schedules (as CHESS does). A step is one shared access: each
 * worker calls {@link #step} just before it, and only the thread the scheduler picks may go on,
 * until its next step. So a schedule is the sequence of picks, and the search visits every
 * sequence (or every one with at most {@code preemptionBound} preemptions: switches away from a
 * thread that could have gone on).
 *
 * <p>Only the accesses that call {@link #step} interleave: code between two steps runs as one
 * atomic action. The test that uses it says which accesses those are.
 */
final class StepScheduler {
    /** A run that takes more steps than this is a livelock (a loop that never ends). */
    static final int MAX_STEPS = 2_000;
    private static final long STUCK_NANOS = 10_000_000_000L;

    /** What a worker waits to do: a name for traces, and whether it can be done now. */
    private record Step(String what, BooleanSupplier enabled, boolean optional) {}

    /** Unwinds a worker whose run was abandoned (a deadlock or a failure elsewhere). */
    private static final class Abandoned extends Error {
        private static final long serialVersionUID = 1L;

        Abandoned() {
            super("harness: run abandoned", null, false, false);
        }
    }

    private final Object monitor = new Object();
    private final List<Thread> workers = new ArrayList<>();
    private final Map<Thread, String> names = new HashMap<>();
    private final Map<Thread, Step> waiting = new HashMap<>();
    private final List<String> trace = new ArrayList<>();
    private Thread running;
    private boolean abandoned;
    private Throwable failure;

    /** Adds a worker for the next {@link #run}; it starts at its first step. */
    void worker(String name, Runnable body) {
        Thread thread = new Thread(() -> {
            try {
                step("start");
                body.run();
            } catch (Abandoned ignored) {
                // the run is over; nothing to report
            } catch (Throwable t) {
                synchronized (monitor) {
                    if (failure == null) {
                        failure = t;
                    }
                }
            } finally {
                synchronized (monitor) {
                    workers.remove(Thread.currentThread());
                    waiting.remove(Thread.currentThread());
                    running = null;
                    monitor.notifyAll();
                }
            }
        }, name);
        thread.setDaemon(true);
        workers.add(thread);
        names.put(thread, name);
    }

    /** A step that can always be taken. Does nothing on a thread that is not a worker. */
    void step(String what) {
        step(what, () -> true, false);
    }

    /**
     * Waits to be picked. {@code enabled} is evaluated by the scheduler (so it must not depend on
     * the calling thread): a worker is picked only when it is true. An {@code optional} step that
     * is not enabled when every other worker has finished ends the run (an executor's thread
     * waiting for a task that never comes).
     */
    void step(String what, BooleanSupplier enabled, boolean optional) {
        Thread me = Thread.currentThread();
        synchronized (monitor) {
            if (!names.containsKey(me)) {
                return;
            }
            if (abandoned) {
                throw new Abandoned();
            }
            waiting.put(me, new Step(what, enabled, optional));
            running = null;
            monitor.notifyAll();
            while (running != me) {
                if (abandoned) {
                    throw new Abandoned();
                }
                waitQuietly();
            }
            waiting.remove(me);
        }
    }

    /** One schedule's outcome: the picks made (choice, options) and what went wrong, if anything. */
    record Run(List<int[]> picks, List<String> trace, String problem) {}

    /**
     * Runs the workers, picking by {@code prefix} and then always the first option.
     *
     * @return the picks, so that {@link #next} can find the following schedule
     */
    Run run(List<Integer> prefix, int preemptionBound) {
        List<int[]> picks = new ArrayList<>();
        String problem = null;
        List<Thread> order = List.copyOf(workers);
        order.forEach(Thread::start);
        Thread last = null;
        int preemptions = 0;
        synchronized (monitor) {
            for (;;) {
                long deadline = System.nanoTime() + STUCK_NANOS;
                while ((running != null || !waiting.keySet().containsAll(workers)) && System.nanoTime() < deadline) {
                    waitQuietly();
                }
                if (running != null || !waiting.keySet().containsAll(workers)) {
                    problem = "stuck: a thread neither finished nor reached its next step in 10 s (it spins"
                            + " or blocks outside the scheduler) after " + (trace.isEmpty() ? "starting" : trace.get(trace.size() - 1));
                    break;
                }
                if (failure != null || workers.isEmpty()) {
                    break;
                }
                Thread starting = order.stream().filter(t -> waiting.containsKey(t) && waiting.get(t).what().equals("start"))
                        .findFirst().orElse(null);
                if (starting != null) {
                    // Starting touches nothing shared: start every worker first, in order, and
                    // spend no choice on it.
                    running = starting;
                    monitor.notifyAll();
                    continue;
                }
                List<Thread> enabled = new ArrayList<>();
                for (Thread t : order) {
                    Step s = waiting.get(t);
                    if (s != null && s.enabled().getAsBoolean()) {
                        enabled.add(t);
                    }
                }
                if (enabled.isEmpty()) {
                    if (waiting.values().stream().allMatch(Step::optional)) {
                        break; // only idle executor threads are left
                    }
                    problem = "deadlock: every thread waits and none can go on: " + describeWaiting();
                    break;
                }
                boolean lastCanGoOn = enabled.remove(last);
                if (lastCanGoOn) {
                    enabled.add(0, last); // going on with the same thread is not a preemption
                }
                int options = lastCanGoOn && preemptions >= preemptionBound ? 1 : enabled.size();
                int choice = picks.size() < prefix.size() ? prefix.get(picks.size()) : 0;
                picks.add(new int[] {choice, options});
                Thread next = enabled.get(choice);
                if (lastCanGoOn && next != last) {
                    preemptions++;
                }
                last = next;
                trace.add(names.get(next) + ": " + waiting.get(next).what());
                if (trace.size() > MAX_STEPS) {
                    problem = "livelock: more than " + MAX_STEPS + " steps";
                    break;
                }
                running = next;
                monitor.notifyAll();
            }
            abandoned = true;
            monitor.notifyAll();
        }
        for (Thread t : order) {
            try {
                t.join(problem == null ? 10_000 : 100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("harness: interrupted", e);
            }
            if (t.isAlive() && problem == null) {
                problem = "stuck: " + t.getName() + " did not stop after its run";
            }
        }
        if (problem == null && failure != null) {
            problem = "a worker threw " + failure;
        }
        return new Run(picks, List.copyOf(trace), problem);
    }

    /** The schedule after {@code run}'s in depth-first order, or null once all were visited. */
    static List<Integer> next(Run run) {
        for (int depth = run.picks().size() - 1; depth >= 0; depth--) {
            int[] pick = run.picks().get(depth);
            if (pick[0] + 1 < pick[1]) {
                List<Integer> prefix = new ArrayList<>();
                for (int i = 0; i < depth; i++) {
                    prefix.add(run.picks().get(i)[0]);
                }
                prefix.add(pick[0] + 1);
                return prefix;
            }
        }
        return null;
    }

    /** The first failure a worker threw, if any (its stack explains an assertion). */
    Throwable failure() {
        synchronized (monitor) {
            return failure;
        }
    }

    private String describeWaiting() {
        StringBuilder b = new StringBuilder();
        waiting.forEach((t, s) -> b.append(names.get(t)).append(" at ").append(s.what()).append("; "));
        return b.toString();
    }

    private void waitQuietly() {
        try {
            monitor.wait(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("harness: interrupted while scheduling", e);
        }
    }
}
