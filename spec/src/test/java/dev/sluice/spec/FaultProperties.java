package dev.sluice.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Property 3 of SPEC.md, I-NO-LOST-DIRTY under faults: operations marked "!" run with every load
 * and write-back of their caches failing (so eviction write-backs, flushes and dependency flushes
 * fail too). Once faults stop and every cache is flushed, each backend holds exactly the model's
 * logical contents: no dirty value was lost, none was resurrected.
 */
class FaultProperties {
    @Test
    void noDirtyValueIsLostToFailingIo() {
        Seeds.qt("FaultProperties.sequential", 300)
                .forAll(Op.lists(2, 40))
                .checkAssert(ops -> {
                    try (Harness h = new Harness(2, 2)) {
                        for (int i = 0; i < ops.size(); i++) {
                            Op op = ops.get(i);
                            setFaults(h, op.fault());
                            try {
                                h.applyBounded(op, i + 1);
                            } catch (IOException expected) {
                                // a failed operation changes no logical content (the model skipped it)
                            }
                            assertNull(h.violation, () -> "I-DEP-ORDER violated: " + h.violation);
                        }
                        assertBackendsHoldTheModel(h, "after " + ops);
                    }
                });
    }

    /** The same with the operations split over two threads, each putting only its own keys. */
    @Test
    void noDirtyValueIsLostOnTwoThreads() {
        Seeds.qt("FaultProperties.twoThreads", 100)
                .forAll(Op.lists(2, 30), Op.lists(2, 30))
                .checkAssert((first, second) -> {
                    Harness h = new Harness(2, 2);
                    ExecutorService threads = Executors.newFixedThreadPool(2);
                    try {
                        CountDownLatch start = new CountDownLatch(1);
                        Future<?> a = threads.submit(() -> run(h, first, 0, start));
                        Future<?> b = threads.submit(() -> run(h, second, 1, start));
                        start.countDown();
                        a.get(10, TimeUnit.SECONDS);
                        b.get(10, TimeUnit.SECONDS);
                    } catch (java.util.concurrent.TimeoutException e) {
                        throw new AssertionError("a thread hung for 10 s");
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    } finally {
                        threads.shutdownNow();
                        h.close();
                    }
                    assertBackendsHoldTheModel(h, "after " + first + " | " + second);
                });
    }

    private static Void run(Harness h, List<Op> ops, int thread, CountDownLatch start) throws Exception {
        start.await();
        for (int i = 0; i < ops.size(); i++) {
            Op op = ops.get(i);
            Op mine = new Op(op.kind(), op.cache(), op.other(), op.key() % 2 + 2 * thread, op.fault());
            try {
                if (mine.kind() == Op.Kind.PUT) {
                    synchronized (h) { // the model is single-threaded
                        h.apply(mine, 2 * (i + 1) + thread);
                    }
                } else if (mine.kind() == Op.Kind.GET) {
                    h.impl.get(mine.cache()).get(mine.key());
                } else if (mine.kind() == Op.Kind.FLUSH) {
                    h.impl.get(mine.cache()).flush();
                } else if (mine.kind() == Op.Kind.DEPEND_ON && mine.cache() != mine.other()) {
                    h.impl.get(mine.cache()).dependOn(h.impl.get(mine.other()));
                } else {
                    h.impl.get(mine.cache()).cleanUp();
                }
            } catch (IOException expected) {
                // injected
            }
            // faults are toggled by thread 0 only, so they come and go while thread 1 works
            if (thread == 0) {
                setFaults(h, op.fault());
            }
        }
        return null;
    }

    static void setFaults(Harness h, boolean failing) {
        h.backends.forEach(b -> b.failing = failing);
    }

    static void assertBackendsHoldTheModel(Harness h, String context) {
        setFaults(h, false);
        try {
            for (int round = 0; round < h.caches; round++) {
                for (int c = 0; c < h.caches; c++) {
                    h.impl.get(c).flush();
                }
            }
        } catch (IOException e) {
            throw new AssertionError("flush failed with faults off: " + e, e);
        }
        for (int c = 0; c < h.caches; c++) {
            for (int key = 0; key < Op.KEYS; key++) {
                assertEquals(h.models.get(c).get(key), h.backends.get(c).value(key),
                        "I-NO-LOST-DIRTY: backend " + Op.name(c) + " key " + key + " " + context);
            }
        }
    }
}
