package dev.sluice.cache;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.model.Budget;
import dev.sluice.model.CacheModel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jetbrains.lincheck.LincheckAssertionError;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;

/**
 * Two caches of capacity 1 over 2 keys each, with dependOn in both directions (so every scenario
 * can try to close a cycle), puts, gets and flushes, against {@link TwoCacheSpec} (two {@link
 * CacheModel}s). Linearizable, and no deadlock or livelock (lincheck reports a hang). After every
 * scenario {@link #stillOrderedAndAcyclic()} checks SPEC I-DAG, I-NO-LOST-DIRTY, and that a fresh
 * dependency is still honoured (I-DEP-ORDER) on whatever state the scenario left behind.
 */
@Param(name = "key", gen = IntGen.class, conf = "1:2")
@Param(name = "value", gen = IntGen.class, conf = "1:2")
public class TwoCacheLincheckTest {
    final Map<String, String> stored = new ConcurrentHashMap<>();
    final List<String> writes = new ArrayList<>(); // guarded by itself
    final WriteBackCache<Integer, String> a = cache("A");
    final WriteBackCache<Integer, String> b = cache("B");

    private WriteBackCache<Integer, String> cache(String name) {
        return new WriteBackCache<>(new Backend<>() {
            @Override
            public String load(Integer key) {
                return stored.getOrDefault(name + key, "initial");
            }

            @Override
            public void write(Integer key, String value) {
                stored.put(name + key, value);
                synchronized (writes) {
                    writes.add(name + key + "=" + value);
                }
            }
        }, 1, Runnable::run, new Tuning(4, 4, 8));
    }

    @Operation
    public String getA(@Param(name = "key") int key) throws IOException {
        return a.get(key);
    }

    @Operation
    public void putA(@Param(name = "key") int key, @Param(name = "value") int value) {
        a.put(key, "a" + value);
    }

    @Operation
    public String getB(@Param(name = "key") int key) throws IOException {
        return b.get(key);
    }

    @Operation
    public void putB(@Param(name = "key") int key, @Param(name = "value") int value) {
        b.put(key, "b" + value);
    }

    @Operation
    public void flushA() throws IOException {
        a.flush();
    }

    @Operation
    public void flushB() throws IOException {
        b.flush();
    }

    @Operation
    public void aDependsOnB() throws IOException {
        a.dependOn(b);
    }

    @Operation
    public void bDependsOnA() throws IOException {
        b.dependOn(a);
    }

    @Validate
    public void stillOrderedAndAcyclic() throws IOException {
        if (a.dependencies().contains(b) && b.dependencies().contains(a)) {
            throw new IllegalStateException("I-DAG violated: A and B depend on each other");
        }
        a.flush();
        b.flush();
        for (int key = 1; key <= 2; key++) {
            check(a, "A", key);
            check(b, "B", key);
        }
        b.put(1, "dep");
        a.dependOn(b);
        a.put(1, "after-dep");
        a.flush();
        synchronized (writes) {
            int dep = writes.lastIndexOf("B1=dep");
            int after = writes.lastIndexOf("A1=after-dep");
            if (dep < 0 || after < dep) {
                throw new IllegalStateException("I-DEP-ORDER violated: " + writes);
            }
        }
    }

    private void check(WriteBackCache<Integer, String> cache, String name, int key) throws IOException {
        String inCache = cache.get(key);
        String inBackend = stored.getOrDefault(name + key, "initial");
        if (!inCache.equals(inBackend)) {
            throw new IllegalStateException("I-NO-LOST-DIRTY violated: " + name + key + " is "
                    + inCache + " in the cache but " + inBackend + " in the backend after flush");
        }
    }

    /** The sequential specification: the same operations on two {@link CacheModel}s. */
    public static class TwoCacheSpec {
        private final CacheModel<Integer, String> a = new CacheModel<>("A", 1, key -> "initial");
        private final CacheModel<Integer, String> b = new CacheModel<>("B", 1, key -> "initial");

        public String getA(int key) {
            return a.get(key);
        }

        public void putA(int key, int value) {
            a.put(key, "a" + value);
        }

        public String getB(int key) {
            return b.get(key);
        }

        public void putB(int key, int value) {
            b.put(key, "b" + value);
        }

        public void flushA() {
            a.flush();
        }

        public void flushB() {
            b.flush();
        }

        public void aDependsOnB() {
            a.dependOn(b);
        }

        public void bDependsOnA() {
            b.dependOn(a);
        }
    }

    @Test
    void modelChecking() {
        Budget.modelChecking(10, 150).sequentialSpecification(TwoCacheSpec.class).check(getClass());
    }

    @Test
    void stress() {
        Budget.stress(15, 1_000).sequentialSpecification(TwoCacheSpec.class).check(getClass());
    }

    /**
     * imago's lock-order inversion, moved to the callers: flushing A holds A's lock and then
     * takes B's, flushing B the other way round. Two such flushes deadlock.
     */
    public static class LockOrderInversion extends TwoCacheLincheckTest {
        @Override
        public void flushA() throws IOException {
            synchronized (a) {
                synchronized (b) {
                    a.flush();
                }
            }
        }

        @Override
        public void flushB() throws IOException {
            synchronized (b) {
                synchronized (a) {
                    b.flush();
                }
            }
        }
    }

    @Test
    void rejectsALockOrderInversion() {
        LincheckAssertionError e = assertThrows(LincheckAssertionError.class, () ->
                Budget.modelChecking(10, 150).sequentialSpecification(TwoCacheSpec.class).check(LockOrderInversion.class),
                "§2.1 no nested locks: lincheck must reject imago's lock-order inversion");
        Budget.recordExpectedFailure(getClass(), e.getMessage());
        assertTrue(e.getMessage().contains("hung") || e.getMessage().contains("deadlock"),
                "§2.1 no nested locks: rejected for another reason than a hang: " + e.getMessage());
    }
}
