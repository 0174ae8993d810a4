package dev.sluice.cache;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * A capacity-1 cache holding a dirty entry 1 ("latest") and a clean entry 2, one over capacity,
 * with the drain that would evict 1 not yet run: the executor drops tasks until the fixture is
 * built, then runs them on the calling thread. An actor's cleanUp() then evicts 1 (writing it
 * back first) while the other actor reads or pins it.
 */
final class CacheFixture {
    final Map<Integer, String> stored = new ConcurrentHashMap<>();
    private volatile boolean running;
    final WriteBackCache<Integer, String> cache;

    CacheFixture() {
        Executor gated = task -> {
            if (running) {
                task.run();
            }
        };
        Backend<Integer, String> backend = new Backend<>() {
            @Override
            public String load(Integer key) {
                return stored.getOrDefault(key, "stale");
            }

            @Override
            public void write(Integer key, String value) {
                stored.put(key, value);
            }
        };
        cache = new WriteBackCache<>(backend, 1, gated, new Tuning(4, 4, 16));
        cache.put(1, "latest");
        try {
            cache.get(2);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        running = true;
    }
}
