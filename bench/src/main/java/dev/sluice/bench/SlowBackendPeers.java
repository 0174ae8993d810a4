package dev.sluice.bench;

import dev.sluice.cache.Backend;
import dev.sluice.cache.WriteBackCache;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.LongAdder;

/**
 * Write-back caches over a slow backend (each write spins for a fixed time, as a device would
 * take it), for the workload this design exists for: dirty evictions while other threads hit.
 * Every peer writes a dirty victim back before it leaves; they differ in what is locked meanwhile
 * and which thread waits for the write.
 */
final class SlowBackendPeers {
    private SlowBackendPeers() { }

    static Peer create(String name, int capacity, long writeNanos) {
        return create(name, capacity, writeNanos, new LongAdder());
    }

    /** As above, counting every get that missed (and so loaded) in {@code misses}. */
    static Peer create(String name, int capacity, long writeNanos, LongAdder misses) {
        switch (name) {
            case "sluice": return sluice(capacity, writeNanos, ForkJoinPool.commonPool(), misses);
            case "sluiceCallerRuns": return sluice(capacity, writeNanos, Runnable::run, misses);
            case "imagoStyle": return new ImagoStyle(capacity, writeNanos, misses);
            case "linkedHashMap": return new SynchronizedLru(capacity, writeNanos, misses);
            default: throw new IllegalArgumentException("unknown write-back peer " + name);
        }
    }

    /**
     * The slow device: a write spins for its cost. Parking would add the timer's slack (a 20 µs
     * park took 93 µs here, median of 2,000); spinning keeps the cost exact but busies a core.
     */
    static void write(long writeNanos) {
        long end = System.nanoTime() + writeNanos;
        while (System.nanoTime() - end < 0) {
            Thread.onSpinWait();
        }
    }

    /**
     * sluice on {@code executor}: its default (the common pool) runs drains and their write-backs
     * off the callers' threads; caller-runs makes whichever thread triggers a drain, a reader
     * whose hit filled the read buffer included, run that drain's write-backs after unlocking.
     */
    static Peer sluice(int capacity, long writeNanos, Executor executor, LongAdder misses) {
        return new Peer.Sluice(new WriteBackCache<>(new Backend<>() {
            @Override
            public Integer load(Integer key) {
                misses.increment();
                return key + 1;
            }

            @Override
            public void write(Integer key, Integer value) {
                SlowBackendPeers.write(writeNanos);
            }
        }, capacity, executor));
    }

    /** imago's shape: one lock, a scan for the oldest entry, and the victim's write under the lock. */
    static final class ImagoStyle implements Peer {
        private final int capacity;
        private final long writeNanos;
        private final Map<Integer, long[]> entries = new HashMap<>(); // {value, lastUsed, dirty}
        private final LongAdder misses;
        private long clock;

        ImagoStyle(int capacity, long writeNanos, LongAdder misses) {
            this.capacity = capacity;
            this.writeNanos = writeNanos;
            this.misses = misses;
        }

        @Override
        public synchronized Integer get(Integer key) {
            long[] entry = entries.get(key);
            if (entry == null) {
                misses.increment();
                makeRoom();
                entry = new long[] {key + 1, 0, 0};
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
                entries.put(key, new long[] {value, ++clock, 1});
            } else {
                entry[0] = value;
                entry[1] = ++clock;
                entry[2] = 1;
            }
        }

        private void makeRoom() {
            while (entries.size() >= capacity) {
                Map.Entry<Integer, long[]> oldest = Peer.ImagoStyle.leastRecentlyUsed(entries);
                if (oldest.getValue()[2] == 1) {
                    write(writeNanos); // under the cache's one lock, as imago does
                }
                entries.remove(oldest.getKey());
            }
        }
    }

    /** An access-ordered LinkedHashMap behind one lock that writes the dirty eldest back under it. */
    static final class SynchronizedLru implements Peer {
        private final Map<Integer, long[]> map; // {value, dirty}

        private final LongAdder misses;

        SynchronizedLru(int capacity, long writeNanos, LongAdder misses) {
            this.misses = misses;
            map = new LinkedHashMap<>(16, 0.75f, true) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<Integer, long[]> eldest) {
                    if (size() <= capacity) {
                        return false;
                    }
                    if (eldest.getValue()[1] == 1) {
                        write(writeNanos);
                    }
                    return true;
                }
            };
        }

        @Override
        public synchronized Integer get(Integer key) {
            return (int) map.computeIfAbsent(key, k -> {
                misses.increment();
                return new long[] {k + 1, 0};
            })[0];
        }

        @Override
        public synchronized void put(Integer key, Integer value) {
            map.put(key, new long[] {value, 1});
        }
    }
}
