package dev.sluice.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;

/**
 * Heap bytes per entry of a full cache, measured as the growth of the live heap: full GCs before
 * and after filling the cache with {@code entries} keys. The keys exist before the first
 * measurement and each is also its own value, so what is counted is the cache's own structure
 * (map nodes, policy links, flags, tables and buffers), not the caller's objects. No JOL: the
 * heap is read from {@link MemoryMXBean} after {@code System.gc()}, so run it alone in its JVM
 * with a stop-the-world collector ({@code -XX:+UseSerialGC}), as {@code bench/run} does.
 *
 * <p>Usage: {@code java -XX:+UseSerialGC -cp benchmarks.jar dev.sluice.bench.MemoryPerEntry
 * PEER ENTRIES}; prints one CSV line {@code peer,entries,bytesPerEntry}.
 */
public final class MemoryPerEntry {
    private MemoryPerEntry() {}

    public static void main(String[] args) {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: MemoryPerEntry PEER ENTRIES, e.g. sluice 1000000");
        }
        String peerName = args[0];
        int entries = Integer.parseInt(args[1]);
        Integer[] keys = new Integer[entries];
        for (int i = 0; i < entries; i++) {
            keys[i] = i; // boxed outside the Integer cache from 128 on: each a distinct object
        }
        long before = liveHeap();
        Peer cache = Peer.create(peerName, entries);
        for (Integer key : keys) {
            cache.put(key, key);
        }
        cache.cleanUp();
        long after = liveHeap();
        Reference.reachabilityFence(cache);
        Reference.reachabilityFence(keys);
        System.out.printf("%s,%d,%.1f%n", peerName, entries, (double) (after - before) / entries);
    }

    private static long liveHeap() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) { // up to three full GCs, until one collects nothing more
            System.gc();
            long now = memory.getHeapMemoryUsage().getUsed();
            if (now >= used) {
                break;
            }
            used = now;
        }
        return used;
    }
}
