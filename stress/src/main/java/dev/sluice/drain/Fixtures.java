package dev.sluice.drain;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/**
 * The wiring every drain stress test repeats: a write buffer, a machine whose maintenance drains
 * it, and an executor that only counts the drain tasks it is given (so "was a drain scheduled"
 * is an observable result). Built fresh for every jcstress sample.
 */
final class Fixtures {
    final WriteBuffer<Object> buffer = new WriteBuffer<>(4);
    final AtomicInteger scheduled = new AtomicInteger();
    final DrainStatus machine;

    Fixtures(BiFunction<Executor, DrainStatus.Work, DrainStatus> kind, int initialStatus) {
        Executor countingExecutor = task -> scheduled.incrementAndGet();
        DrainStatus.Work drainAll = ownWrite -> {
            while (buffer.poll() != null) {
                // applying the event is not what these tests observe
            }
            return false;
        };
        machine = kind.apply(countingExecutor, drainAll);
        machine.setStatusOpaque(initialStatus);
    }

    /** A writer: record the write, then tell the machine (the cache's recordWrite). */
    void write() {
        if (!buffer.offer(Boolean.TRUE)) {
            throw new IllegalStateException("the test buffer is never full");
        }
        machine.scheduleAfterWrite();
    }

    /** 1 if a write is still buffered. Call from the arbiter only (single consumer). */
    int stranded() {
        return buffer.isEmpty() ? 0 : 1;
    }
}
