package dev.sluice.drain;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntSupplier;

/**
 * Records what the real {@link DrainStatus} does in a concurrent run, one event per access to
 * the status word, the drain lock, the work counter and the executor's queue, in one total order
 * (TraceDrain.tla's event grammar). Production code carries no recording: this subclasses the
 * accessors DrainStatus already routes every access through (the hooks DrainSchedulesTest uses),
 * so a run that records nothing costs nothing.
 *
 * <p>Each access and its log entry happen together under the log's monitor, so the log's order
 * is the order of the accesses. That makes every recorded run sequentially consistent: trace
 * validation checks the protocol's steps and atomicity, not its memory order (jcstress does).
 *
 * <p>The run matches TraceDrain.cfg: writers w1 and w2 make two writes each, a reader finds the
 * read buffer full once, a cleaner calls cleanUp once, an executor thread runs queued drains,
 * and one drain takes at most one write. Random pauses between accesses vary the interleaving.
 */
public final class DrainRecorder {
    static final int BATCH = 1;
    static final int WRITES_EACH = 2;

    private final List<String> log = new ArrayList<>();
    private final LinkedBlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
    private final Random pauses;
    private int buffered;

    DrainRecorder(long seed) {
        this.pauses = new Random(seed);
    }

    /** The reference DrainStatus with every access recorded; a test may subclass it to seed a bug. */
    class Recorded extends DrainStatus {
        Recorded() {
            super(task -> record("execute", () -> queue.add(task)), DrainRecorder.this::drain, new RecordedLock());
        }

        @Override protected int statusOpaque() { return read(super::statusOpaque); }
        @Override protected int statusAcquire() { return read(super::statusAcquire); }
        @Override protected int statusVolatile() { return read(super::statusVolatile); }
        @Override protected void setStatusOpaque(int v) { store(v, () -> super.setStatusOpaque(v)); }
        @Override protected void setStatusRelease(int v) { store(v, () -> super.setStatusRelease(v)); }
        @Override protected void setStatusVolatile(int v) { store(v, () -> super.setStatusVolatile(v)); }

        @Override
        protected boolean casStatus(int expect, int update) {
            boolean ok;
            synchronized (log) {
                ok = super.casStatus(expect, update);
                add("cas " + expect + " " + update + " " + ok);
            }
            pause();
            return ok;
        }
    }

    /** The drain lock; lock() spins on tryLock so that the acquisition is logged atomically with it. */
    private final class RecordedLock extends ReentrantLock {
        private static final long serialVersionUID = 1L;

        @Override
        public void lock() {
            for (;;) {
                synchronized (log) {
                    if (super.tryLock()) {
                        add("lock");
                        break;
                    }
                }
                Thread.yield();
            }
            pause();
        }

        @Override
        public boolean tryLock() {
            boolean ok;
            synchronized (log) {
                ok = super.tryLock();
                add("trylock " + ok);
            }
            pause();
            return ok;
        }

        @Override
        public void unlock() {
            synchronized (log) {
                super.unlock();
                add("unlock");
            }
            pause();
        }
    }

    /**
     * One recorded run of {@code machine}, which must be this recorder's.
     *
     * @return the events in order, one per line: "{@code <process> <op> [args]}"
     */
    List<String> run(Recorded machine) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        for (String writer : List.of("w1", "w2")) {
            threads.add(new Thread(() -> {
                for (int n = 0; n < WRITES_EACH; n++) {
                    record("offer", () -> buffered++);
                    machine.scheduleAfterWrite();
                }
            }, writer));
        }
        threads.add(new Thread(() -> machine.scheduleAfterRead(true), "reader"));
        threads.add(new Thread(machine::cleanUp, "cleaner"));
        AtomicBoolean othersDone = new AtomicBoolean();
        Thread executor = new Thread(() -> runTasksUntil(othersDone), "executor");
        executor.start();
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            awaitEnd(t);
        }
        othersDone.set(true);
        awaitEnd(executor);
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    /** The executor's thread: runs queued drains until the others are done and none is queued. */
    private void runTasksUntil(AtomicBoolean othersDone) {
        try {
            while (!(othersDone.get() && queue.isEmpty())) {
                Runnable task = queue.poll(1, TimeUnit.MILLISECONDS);
                if (task != null) {
                    task.run();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitEnd(Thread t) throws InterruptedException {
        t.join(TimeUnit.SECONDS.toMillis(20));
        if (t.isAlive()) {
            throw new AssertionError("§9 trace validation: " + t.getName() + " did not finish in 20 s (a hang)");
        }
    }

    private boolean drain(Runnable ownWrite) {
        synchronized (log) {
            int taken = Math.min(BATCH, buffered);
            buffered -= taken;
            add("drain " + taken);
        }
        pause();
        boolean more;
        synchronized (log) {
            more = buffered > 0;
            add("check " + more);
        }
        pause();
        return more;
    }

    private int read(IntSupplier access) {
        int value;
        synchronized (log) {
            value = access.getAsInt();
            add("read " + value);
        }
        pause();
        return value;
    }

    private void store(int value, Runnable access) {
        record("store " + value, access);
    }

    private void record(String event, Runnable access) {
        synchronized (log) {
            access.run();
            add(event);
        }
        pause();
    }

    /** With the log's monitor held. */
    private void add(String event) {
        log.add(Thread.currentThread().getName() + " " + event);
    }

    /** Outside the monitor: a random yield or short spin, so that runs interleave differently. */
    private void pause() {
        int choice = pauses.nextInt(8);
        if (choice == 0) {
            Thread.yield();
        } else if (choice == 1) {
            for (int spin = pauses.nextInt(2_000); spin > 0; spin--) {
                Thread.onSpinWait();
            }
        }
    }
}
