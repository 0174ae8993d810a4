package dev.sluice.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sluice.cache.Backend;
import dev.sluice.cache.CacheFullException;
import dev.sluice.cache.EntriesPinnedException;
import dev.sluice.cache.Pin;
import dev.sluice.cache.Tuning;
import dev.sluice.cache.WriteBackCache;
import dev.sluice.model.CacheModel;
import dev.sluice.model.LruModel;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

/**
 * Property 4 of SPEC.md, model-based conformance: random single-threaded command sequences over
 * one cache (capacity 2 or 3, keys 0-4, drains on the caller, a read buffer large enough that no
 * read is dropped) give the same result as {@link LruModel} after every step: the value or error,
 * the resident keys, the dirty count, and the exact sequence of backend writes, which is the
 * eviction order (SPEC I-LRU, I-BOUND, I-PIN-RESIDENT).
 */
class ConformanceProperties {
    enum Kind { GET, PUT, PIN, SET_PINNED, UNPIN, FLUSH, INVALIDATE, CLEAN_UP }

    record Command(Kind kind, int key) {
        static Command decode(int code) {
            return new Command(Kind.values()[code % Kind.values().length], code / Kind.values().length % 5);
        }

        @Override
        public String toString() {
            return kind + "(" + key + ")";
        }
    }

    static Gen<List<Command>> commands() {
        Gen<Optional<Command>> one = Generate.range(0, 4000).map(Command::decode).toOptionals(25);
        return SourceDSL.lists().of(one).ofSizeBetween(0, 40)
                .map(cs -> cs.stream().flatMap(Optional::stream).collect(Collectors.toList()));
    }

    @Test
    void theCacheBehavesLikeTheLruModelStepByStep() {
        Seeds.qt("ConformanceProperties", 400)
                .forAll(Generate.range(2, 3), commands())
                .checkAssert((capacity, commands) -> Bounded.run("conformance example", 2,
                        () -> run(capacity, commands)));
    }

    static void run(int capacity, List<Command> commands) {
        List<String> writes = new ArrayList<>();
        java.util.Map<Integer, String> stored = new java.util.HashMap<>();
        WriteBackCache<Integer, String> cache = new WriteBackCache<>(new Backend<>() {
            @Override
            public String load(Integer key) {
                return stored.getOrDefault(key, "initial" + key);
            }

            @Override
            public void write(Integer key, String value) {
                stored.put(key, value);
                writes.add(key + "=" + value);
            }
        }, capacity, Runnable::run, new Tuning(64, 64, 64));
        LruModel model = new LruModel(capacity, key -> "initial" + key);
        ArrayDeque<Pin<String>> openPins = new ArrayDeque<>();
        ArrayDeque<Integer> openPinKeys = new ArrayDeque<>();

        for (int i = 0; i < commands.size(); i++) {
            Command c = commands.get(i);
            String value = "v" + i;
            String where = "step " + (i + 1) + " of " + commands.subList(0, i + 1) + " (capacity " + capacity + ")";
            String real;
            String expected;
            switch (c.kind()) {
                case GET:
                    real = outcome(() -> cache.get(c.key()));
                    expected = outcome(() -> model.get(c.key()));
                    break;
                case PUT:
                    real = outcome(() -> { cache.put(c.key(), value); return "ok"; });
                    expected = outcome(() -> { model.put(c.key(), value); return "ok"; });
                    break;
                case PIN:
                    real = outcome(() -> {
                        Pin<String> pin = cache.pin(c.key());
                        openPins.add(pin);
                        openPinKeys.add(c.key());
                        return pin.value();
                    });
                    expected = outcome(() -> model.pin(c.key()));
                    break;
                case SET_PINNED:
                    if (openPins.isEmpty()) {
                        continue;
                    }
                    int pinnedKey = openPinKeys.peekLast();
                    real = outcome(() -> { openPins.peekLast().set(value); return "ok"; });
                    expected = outcome(() -> { model.setPinned(pinnedKey, value); return "ok"; });
                    break;
                case UNPIN:
                    if (openPins.isEmpty()) {
                        continue;
                    }
                    int unpinnedKey = openPinKeys.poll();
                    real = outcome(() -> { openPins.poll().close(); return "ok"; });
                    expected = outcome(() -> { model.unpin(unpinnedKey); return "ok"; });
                    break;
                case FLUSH:
                    real = outcome(() -> { cache.flush(); return "ok"; });
                    expected = outcome(() -> { model.flush(); return "ok"; });
                    break;
                case INVALIDATE:
                    real = outcome(() -> {
                        try {
                            cache.invalidate();
                            return "kept []";
                        } catch (EntriesPinnedException e) {
                            return "kept " + e.keys();
                        }
                    });
                    expected = outcome(() -> "kept " + model.invalidate());
                    break;
                default:
                    real = outcome(() -> { cache.cleanUp(); return "ok"; });
                    expected = outcome(() -> { model.cleanUp(); return "ok"; });
            }
            assertEquals(expected, real, "§2 vs LruModel: result at " + where);
            assertEquals(model.resident(), resident(cache), "I-LRU, I-BOUND: resident keys at " + where);
            assertEquals(model.dirtyCount(), cache.dirtyCount(), "I-NO-LOST-DIRTY: dirty count at " + where);
            assertEquals(model.writes(), writes, "I-LRU, I-NO-LOST-DIRTY: backend writes (eviction order) at " + where);
        }
    }

    interface Step {
        String run() throws IOException;
    }

    /** A value, or the kind of error, in the same words for the cache and the model. */
    static String outcome(Step step) {
        try {
            return step.run();
        } catch (CacheFullException | CacheModel.Full e) {
            return "full";
        } catch (IOException e) {
            return "io: " + e.getMessage();
        }
    }

    static Set<Integer> resident(WriteBackCache<Integer, String> cache) {
        Set<Integer> keys = new LinkedHashSet<>();
        for (int key = 0; key < 5; key++) {
            if (cache.isResident(key)) {
                keys.add(key);
            }
        }
        return keys;
    }
}
