package dev.sluice.spec;

import dev.sluice.cache.Backend;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * A property test's backend: stores values in memory, appends every write to a log shared by the
 * caches of one example ("A:k=v"), runs a check at the moment of each write (where the ordering
 * rule is judged), and fails I/O on demand.
 */
final class LogBackend implements Backend<Integer, String> {
    final String name;
    final List<String> log;
    final Map<Integer, String> stored = new ConcurrentHashMap<>();
    volatile boolean failing;
    volatile BiConsumer<Integer, String> atWrite = (k, v) -> { };

    LogBackend(String name, List<String> log) {
        this.name = name;
        this.log = log;
    }

    static String initial(String cache, int key) {
        return cache + key + "@0";
    }

    String value(int key) {
        return stored.getOrDefault(key, initial(name, key));
    }

    @Override
    public String load(Integer key) throws IOException {
        if (failing) {
            throw new IOException("injected load failure of " + name + key);
        }
        return value(key);
    }

    @Override
    public void write(Integer key, String value) throws IOException {
        if (failing) {
            throw new IOException("injected write failure of " + name + key + "=" + value);
        }
        atWrite.accept(key, value);
        stored.put(key, value);
        synchronized (log) {
            log.add(name + ":" + key + "=" + value);
        }
    }
}
