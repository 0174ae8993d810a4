package dev.sluice.spec;

import dev.sluice.cache.Tuning;
import dev.sluice.cache.WriteBackCache;
import dev.sluice.model.CacheModel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Several real caches beside their {@link CacheModel}s, driven by the same operations, with the
 * SPEC I-DEP-ORDER rule judged at the moment of every backend write.
 *
 * <p>The rule, as a test can observe it: once {@code x.dependOn(t)} has returned, every later
 * write of an x entry happens after each t entry that was dirty at that return (with that value
 * or a newer one) is in t's backend. Values are "{cache}{key}@{op index}", so "newer" is a
 * larger index. Judged per thread: a thread's obligations bind the writes it performs itself.
 */
final class Harness implements AutoCloseable {
    final int caches;
    final List<String> log = Collections.synchronizedList(new ArrayList<>());
    final List<String> modelLog = new ArrayList<>();
    final List<LogBackend> backends = new ArrayList<>();
    final List<WriteBackCache<Integer, String>> impl = new ArrayList<>();
    final List<CacheModel<Integer, String>> models = new ArrayList<>();
    /** Per thread: obligations {x, t, key, op index}. */
    private final ThreadLocal<List<int[]>> owed = ThreadLocal.withInitial(ArrayList::new);
    volatile String violation;
    private final ExecutorService worker = Executors.newSingleThreadExecutor();

    Harness(int caches, int capacity) {
        this.caches = caches;
        for (int c = 0; c < caches; c++) {
            String name = Op.name(c);
            LogBackend backend = new LogBackend(name, log);
            int self = c;
            backend.atWrite = (key, value) -> judge(self, key, value);
            backends.add(backend);
            impl.add(new WriteBackCache<>(backend, capacity, Runnable::run, new Tuning(64, 64, 64)));
            models.add(new CacheModel<>(name, capacity, key -> LogBackend.initial(name, key), modelLog));
        }
    }

    static int index(String value) {
        return Integer.parseInt(value.substring(value.indexOf('@') + 1));
    }

    private void judge(int x, int key, String value) {
        for (int[] o : owed.get()) {
            if (o[0] == x && index(backends.get(o[1]).value(o[2])) < o[3]) {
                violation = Op.name(x) + ":" + key + "=" + value + " was written while "
                        + Op.name(o[1]) + ":" + o[2] + " (dirty at op " + o[3] + " when " + Op.name(x) + ".dependOn("
                        + Op.name(o[1]) + ") returned) was not yet; the backend holds " + backends.get(o[1]).value(o[2]);
            }
        }
    }

    /** Runs one operation on the real cache (and, if it succeeded, on the model). */
    void apply(Op op, int index) throws IOException {
        WriteBackCache<Integer, String> cache = impl.get(op.cache());
        CacheModel<Integer, String> model = models.get(op.cache());
        switch (op.kind()) {
            case GET: {
                String got = cache.get(op.key());
                String expected = model.get(op.key());
                if (!got.equals(expected)) {
                    throw new AssertionError(op + " returned " + got + ", the model " + expected);
                }
                break;
            }
            case PUT: {
                String value = Op.name(op.cache()) + op.key() + "@" + index;
                cache.put(op.key(), value);
                model.put(op.key(), value);
                break;
            }
            case FLUSH:
                cache.flush();
                model.flush();
                break;
            case DEPEND_ON:
                dependOn(op, index);
                break;
            default:
                cache.cleanUp();
        }
    }

    private void dependOn(Op op, int index) throws IOException {
        WriteBackCache<Integer, String> cache = impl.get(op.cache());
        if (op.cache() == op.other()) {
            try {
                cache.dependOn(cache);
                throw new AssertionError(op + " was accepted");
            } catch (IllegalArgumentException expected) {
                return;
            }
        }
        cache.dependOn(impl.get(op.other()));
        models.get(op.cache()).dependOn(models.get(op.other()));
        for (int key : models.get(op.other()).dirtyKeys()) {
            owed.get().add(new int[] {op.cache(), op.other(), key, index(models.get(op.other()).get(key))});
        }
    }

    /** {@link #apply} on the worker thread, failing the property if it does not return in time. */
    void applyBounded(Op op, int index) throws IOException {
        Future<?> done = worker.submit(() -> {
            apply(op, index);
            return null;
        });
        try {
            done.get(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("operation " + index + " (" + op + ") hung for 10 s");
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException) {
                throw (IOException) e.getCause();
            }
            if (e.getCause() instanceof Error) {
                throw (Error) e.getCause();
            }
            throw new AssertionError(op + " threw", e.getCause());
        }
    }

    /** SPEC I-DAG over the real caches' edges. */
    String cycle() {
        for (WriteBackCache<?, ?> start : impl) {
            if (reaches(start, start, new HashSet<>())) {
                return "a cycle through " + Op.name(impl.indexOf(start));
            }
        }
        return null;
    }

    private static boolean reaches(WriteBackCache<?, ?> from, WriteBackCache<?, ?> target, Set<Object> seen) {
        for (WriteBackCache<?, ?> next : from.dependencies()) {
            if (next == target || (seen.add(next) && reaches(next, target, seen))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
