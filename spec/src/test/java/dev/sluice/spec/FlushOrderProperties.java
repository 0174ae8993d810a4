package dev.sluice.spec;

import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.Generate;

/**
 * Property 1 of SPEC.md: random operations over 2 to 4 caches of capacity 2 (so victims are
 * written back inside the sequence), with random dependOn calls that try to close transitive
 * cycles and include self-dependency. Every backend write respects I-DEP-ORDER, the edges form a
 * DAG after every operation (I-DAG), no operation hangs, and every get agrees with the model.
 */
class FlushOrderProperties {
    @Test
    void writesRespectDependenciesAndTheGraphStaysAcyclic() {
        Seeds.qt("FlushOrderProperties.sequential", 300)
                .forAll(Generate.range(2, 4).flatMap(n -> Op.lists(n, 40).map(ops -> new Example(n, ops))))
                .checkAssert(FlushOrderProperties::runSequentially);
    }

    record Example(int caches, List<Op> ops) {
        @Override
        public String toString() {
            return caches + " caches: " + ops;
        }
    }

    static void runSequentially(Example example) {
        try (Harness h = new Harness(example.caches(), 2)) {
            for (int i = 0; i < example.ops().size(); i++) {
                h.applyBounded(example.ops().get(i), i + 1);
                assertNull(h.violation, () -> "I-DEP-ORDER violated: " + h.violation);
                int done = i + 1;
                assertNull(h.cycle(), () -> "I-DAG violated: " + h.cycle() + " after " + example.ops().subList(0, done));
            }
        } catch (IOException e) {
            throw new AssertionError("no faults were injected, yet: " + e, e);
        }
    }

    /**
     * The same rules with the operations split over two threads. Each thread puts only keys of
     * its own (0-1 or 2-3), so "the newer value" is well defined, and judges I-DEP-ORDER by its
     * own dependOn calls and its own writes; neither depends on the interleaving.
     */
    @Test
    void writesRespectDependenciesOnTwoThreads() {
        Seeds.qt("FlushOrderProperties.twoThreads", 100)
                .forAll(Op.lists(3, 30), Op.lists(3, 30))
                .checkAssert(FlushOrderProperties::runOnTwoThreads);
    }

    static void runOnTwoThreads(List<Op> first, List<Op> second) {
        Harness h = new Harness(3, 2);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch start = new CountDownLatch(1);
            Future<?> a = threads.submit(() -> runThread(h, first, 0, start));
            Future<?> b = threads.submit(() -> runThread(h, second, 1, start));
            start.countDown();
            a.get(10, TimeUnit.SECONDS);
            b.get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("a thread hung for 10 s: " + first + " | " + second);
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            threads.shutdownNow();
            h.close();
        }
        assertNull(h.violation, () -> "I-DEP-ORDER violated: " + h.violation);
        assertNull(h.cycle(), () -> "I-DAG violated: " + h.cycle());
    }

    private static Void runThread(Harness h, List<Op> ops, int thread, CountDownLatch start) throws Exception {
        start.await();
        for (int i = 0; i < ops.size(); i++) {
            Op op = ops.get(i);
            // own keys only; op indexes interleave (odd, even) so values stay unique and ordered per key
            Op mine = new Op(op.kind(), op.cache(), op.other(), op.key() % 2 + 2 * thread, false);
            int index = 2 * (i + 1) + thread;
            if (mine.kind() == Op.Kind.GET || mine.kind() == Op.Kind.FLUSH) {
                apply(h, mine, index, false); // results depend on the other thread: not compared
            } else {
                apply(h, mine, index, true);
            }
        }
        return null;
    }

    private static void apply(Harness h, Op op, int index, boolean viaModel) throws IOException {
        if (op.kind() == Op.Kind.GET) {
            h.impl.get(op.cache()).get(op.key());
        } else if (op.kind() == Op.Kind.FLUSH) {
            h.impl.get(op.cache()).flush();
        } else {
            synchronized (h) { // the models are single-threaded; the real caches are not locked here
                h.apply(op, index);
            }
        }
    }
}
