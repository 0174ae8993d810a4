package dev.sluice.bench;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.sluice.cache.Backend;
import dev.sluice.cache.WriteBackCache;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;

/** The caches measured side by side, behind one small interface. Misses "load" key + 1. */
interface Peer {
    Integer get(Integer key);

    void put(Integer key, Integer value);

    /** Applies pending maintenance now (only the buffered caches have any). */
    default void cleanUp() {}

    /** A peer whose maintenance (sluice's and Caffeine's) runs on the common pool, their default. */
    static Peer create(String name, int capacity) {
        return create(name, capacity, ForkJoinPool.commonPool());
    }

    /**
     * A peer whose maintenance runs on {@code maintenance}; the peers without maintenance ignore it.
     */
    static Peer create(String name, int capacity, Executor maintenance) {
        switch (name) {
            case "sluice": return new Sluice(capacity, maintenance);
            case "caffeine": return new CaffeinePeer(capacity, maintenance);
            case "chm": return new Chm();
            case "linkedHashMap": return new SynchronizedLru(capacity);
            case "imagoStyle": return new ImagoStyle(capacity);
            default: throw new IllegalArgumentException("unknown peer " + name);
        }
    }

    /** sluice's write-back cache; by default over an in-memory backend whose writes cost nothing. */
    final class Sluice implements Peer {
        private final WriteBackCache<Integer, Integer> cache;

        Sluice(int capacity, Executor maintenance) {
            this(new WriteBackCache<>(new Backend<>() {
                @Override
                public Integer load(Integer key) {
                    return key + 1;
                }

                @Override
                public void write(Integer key, Integer value) {}
            }, capacity, maintenance));
        }

        Sluice(WriteBackCache<Integer, Integer> cache) {
            this.cache = cache;
        }

        @Override
        public Integer get(Integer key) {
            try {
                return cache.get(key);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void put(Integer key, Integer value) {
            cache.put(key, value);
        }

        @Override
        public void cleanUp() {
            cache.cleanUp();
        }
    }

    /** The anchor: Caffeine's bounded cache (a write-back cache would also write; this one drops). */
    final class CaffeinePeer implements Peer {
        private final Cache<Integer, Integer> cache;

        CaffeinePeer(int capacity, Executor maintenance) {
            cache = Caffeine.newBuilder().maximumSize(capacity).executor(maintenance).build();
        }

        @Override
        public Integer get(Integer key) {
            return cache.get(key, k -> k + 1);
        }

        @Override
        public void put(Integer key, Integer value) {
            cache.put(key, value);
        }

        @Override
        public void cleanUp() {
            cache.cleanUp();
        }
    }

    /** No policy at all: an upper bound for any cache built on a concurrent map. */
    final class Chm implements Peer {
        private final ConcurrentHashMap<Integer, Integer> map = new ConcurrentHashMap<>();

        @Override
        public Integer get(Integer key) {
            Integer value = map.get(key);
            return value != null ? value : map.computeIfAbsent(key, k -> k + 1);
        }

        @Override
        public void put(Integer key, Integer value) {
            map.put(key, value);
        }
    }

    /** An access-ordered LinkedHashMap behind one lock: exact LRU, no concurrency. */
    final class SynchronizedLru implements Peer {
        private final Map<Integer, Integer> map;

        SynchronizedLru(int capacity) {
            map = new LinkedHashMap<>(16, 0.75f, true) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<Integer, Integer> eldest) {
                    return size() > capacity;
                }
            };
        }

        @Override
        public synchronized Integer get(Integer key) {
            return map.computeIfAbsent(key, k -> k + 1);
        }

        @Override
        public synchronized void put(Integer key, Integer value) {
            map.put(key, value);
        }
    }

    /**
     * imago's design in miniature: one lock, a timestamp per entry, and on a miss at capacity a
     * scan of every entry for the oldest. Eviction costs O(capacity).
     */
    final class ImagoStyle implements Peer {
        private final int capacity;
        private final Map<Integer, long[]> entries = new java.util.HashMap<>(); // {value, lastUsed}
        private long clock;

        ImagoStyle(int capacity) {
            this.capacity = capacity;
        }

        @Override
        public synchronized Integer get(Integer key) {
            long[] entry = entries.get(key);
            if (entry == null) {
                makeRoom();
                entry = new long[] {key + 1, 0};
                entries.put(key, entry);
            }
            entry[1] = ++clock;
            return (int) entry[0];
        }

        @Override
        public synchronized void put(Integer key, Integer value) {
            long[] entry = entries.get(key);
            if (entry == null) {
                makeRoom();
                entries.put(key, new long[] {value, ++clock});
            } else {
                entry[0] = value;
                entry[1] = ++clock;
            }
        }

        private void makeRoom() {
            while (entries.size() >= capacity) {
                entries.remove(leastRecentlyUsed(entries).getKey());
            }
        }

        /** The scan that makes eviction O(capacity): the entry whose {@code lastUsed} (slot 1) is oldest. */
        static Map.Entry<Integer, long[]> leastRecentlyUsed(Map<Integer, long[]> entries) {
            Map.Entry<Integer, long[]> oldest = null;
            for (Map.Entry<Integer, long[]> e : entries.entrySet()) {
                if (oldest == null || e.getValue()[1] < oldest.getValue()[1]) {
                    oldest = e;
                }
            }
            return oldest;
        }
    }
}
