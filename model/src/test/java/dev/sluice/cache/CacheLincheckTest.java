package dev.sluice.cache;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.model.Budget;
import dev.sluice.model.CacheModel;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jetbrains.lincheck.LincheckAssertionError;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;

/**
 * One cache of capacity 2 over 4 keys, so evictions and write-backs of dirty victims happen
 * inside the scenarios, against its sequential specification {@link CacheSpec} ({@link
 * CacheModel}). Drains run on the operation's own thread (a caller-runs executor), so lincheck
 * sees every step. After every scenario {@link #flushedBackendHoldsTheLatestValues()} checks SPEC
 * I-NO-LOST-DIRTY: once flushed, the backend holds what the cache returns for every key.
 */
@Param(name = "key", gen = IntGen.class, conf = "1:4")
@Param(name = "value", gen = IntGen.class, conf = "1:3")
public class CacheLincheckTest {
    static final int KEYS = 4;

    final Map<Integer, String> stored = new ConcurrentHashMap<>();
    final WriteBackCache<Integer, String> cache =
            new WriteBackCache<>(newBackend(), 2, Runnable::run, new Tuning(4, 4, 8));

    Backend<Integer, String> newBackend() {
        return new Backend<>() {
            @Override
            public String load(Integer key) {
                return stored.getOrDefault(key, "initial" + key);
            }

            @Override
            public void write(Integer key, String value) {
                stored.put(key, value);
            }
        };
    }

    @Operation
    public String get(@Param(name = "key") int key) throws IOException {
        return cache.get(key);
    }

    @Operation
    public void put(@Param(name = "key") int key, @Param(name = "value") int value) {
        cache.put(key, "v" + value);
    }

    /**
     * Pin, replace through the pin, close. While pinned the entry must stay resident
     * (I-PIN-RESIDENT), whatever the other thread's drains do. (A read through the pin would not
     * be atomic with the replace: pins share an entry, they do not lock it.)
     */
    @Operation
    public void pinModifyClose(@Param(name = "key") int key, @Param(name = "value") int value) throws IOException {
        try (Pin<String> pin = cache.pin(key)) {
            pin.set("p" + value);
            if (!cache.isResident(key)) {
                throw new IllegalStateException("I-PIN-RESIDENT violated: pinned key " + key + " is not resident");
            }
        }
    }

    /** SPEC §2 update: atomic with every other change of the key (a lost put or update shows here). */
    @Operation
    public String update(@Param(name = "key") int key, @Param(name = "value") int value) throws IOException {
        return cache.update(key, v -> v + "+" + value);
    }

    /** The same through a pin. */
    @Operation
    public String pinUpdate(@Param(name = "key") int key, @Param(name = "value") int value) throws IOException {
        try (Pin<String> pin = cache.pin(key)) {
            return pin.update(v -> v + "*" + value);
        }
    }

    @Operation
    public String pinRead(@Param(name = "key") int key) throws IOException {
        try (Pin<String> pin = cache.pin(key)) {
            return pin.value();
        }
    }

    @Operation
    public void flush() throws IOException {
        cache.flush();
    }

    @Operation
    public void cleanUp() {
        cache.cleanUp();
    }

    @Validate
    public void flushedBackendHoldsTheLatestValues() throws IOException {
        cache.flush();
        for (int key = 1; key <= KEYS; key++) {
            String inCache = cache.get(key);
            String inBackend = stored.getOrDefault(key, "initial" + key);
            if (!inCache.equals(inBackend)) {
                throw new IllegalStateException("I-NO-LOST-DIRTY violated: after flush the backend holds "
                        + inBackend + " for key " + key + " but the cache returns " + inCache);
            }
        }
        if (cache.residentCount() > cache.capacity()) {
            cache.cleanUp();
            if (cache.residentCount() > cache.capacity()) {
                throw new IllegalStateException("I-BOUND violated: resident " + cache.residentCount() + " > capacity after a drain");
            }
        }
    }

    /** The sequential specification: the same operations on {@link CacheModel}. */
    public static class CacheSpec {
        private final CacheModel<Integer, String> model = new CacheModel<>("A", 2, key -> "initial" + key);

        public String get(int key) {
            return model.get(key);
        }

        public void put(int key, int value) {
            model.put(key, "v" + value);
        }

        public void pinModifyClose(int key, int value) {
            model.pin(key);
            model.put(key, "p" + value);
            model.unpin(key);
        }

        public String update(int key, int value) {
            return model.update(key, v -> v + "+" + value);
        }

        public String pinUpdate(int key, int value) {
            model.pin(key);
            String changed = model.update(key, v -> v + "*" + value);
            model.unpin(key);
            return changed;
        }

        public String pinRead(int key) {
            String seen = model.pin(key);
            model.unpin(key);
            return seen;
        }

        public void flush() {
            model.flush();
        }

        public void cleanUp() {}
    }

    @Test
    void modelChecking() {
        Budget.modelChecking(10, 200).sequentialSpecification(CacheSpec.class).check(getClass());
    }

    @Test
    void stress() {
        Budget.stress(15, 1_000).sequentialSpecification(CacheSpec.class).check(getClass());
    }

    /**
     * A backend that acknowledges a write before it lands (it lands at the next write): the
     * cache evicts the victim as soon as write() returns, and a reload reads the stale copy. The
     * same stale read as a cache that drops a victim before its write-back finishes.
     */
    public static class WriteAcknowledgedEarly extends CacheLincheckTest {
        @Override
        Backend<Integer, String> newBackend() {
            return new Backend<>() {
                private Map.Entry<Integer, String> inFlight;

                @Override
                public String load(Integer key) {
                    return stored.getOrDefault(key, "initial" + key);
                }

                @Override
                public void write(Integer key, String value) {
                    if (inFlight != null) {
                        stored.put(inFlight.getKey(), inFlight.getValue());
                    }
                    inFlight = Map.entry(key, value);
                }
            };
        }
    }

    @Test
    void rejectsAStaleReadOfAnInFlightWriteBack() {
        LincheckAssertionError e = assertThrows(LincheckAssertionError.class, () ->
                Budget.modelChecking(15, 200).sequentialSpecification(CacheSpec.class).check(WriteAcknowledgedEarly.class),
                "I-NO-STALE-READ: lincheck must reject a write-back acknowledged before it landed");
        Budget.recordExpectedFailure(getClass(), e.getMessage());
        assertTrue(e.getMessage().contains("Invalid execution results")
                || e.getMessage().contains("I-NO-LOST-DIRTY"), "I-NO-STALE-READ: rejected for another reason: " + e.getMessage());
    }
}
