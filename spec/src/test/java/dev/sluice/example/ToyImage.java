package dev.sluice.example;

import dev.sluice.cache.Backend;
import dev.sluice.cache.WriteBackCache;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Predicate;

/**
 * A toy qcow2-like image: the way sluice is meant to be used. An L2 table maps guest slots to
 * clusters (0: unallocated); a refcount block counts each cluster's users. Both live in caches
 * over one disk, and their writes must reach it in an order that keeps the image consistent
 * after a crash at any moment: no L2 pointer may name a cluster whose refcount on disk is 0 (a
 * leaked cluster is tolerable, a dangling pointer is not). sluice's flush dependencies give that
 * order (SPEC I-DEP-ORDER):
 * <ul>
 *   <li>allocate: refcount up, then {@code l2.dependOn(refcounts)}, then set the pointer;
 *   <li>free: clear the pointer, then {@code refcounts.dependOn(l2)}, then refcount down.
 * </ul>
 * Each slot is changed by one thread at a time (the caller's rule, as in qcow2, where a request
 * owns the clusters it touches); the free-cluster list is the image's own, behind its monitor.
 */
final class ToyImage {
    /** The disk: two tables, and one log of every write in the order it happened. */
    static final class Disk {
        final Map<String, Integer> blocks = new HashMap<>();
        final List<String[]> log = new ArrayList<>(); // {table, key, value}
        volatile Predicate<String> failWrite = where -> false;

        synchronized int read(String table, int key) {
            return blocks.getOrDefault(table + key, 0);
        }

        synchronized void write(String table, int key, int value) throws IOException {
            if (failWrite.test(table + key)) {
                throw new IOException("injected write failure of " + table + key);
            }
            blocks.put(table + key, value);
            log.add(new String[] {table, String.valueOf(key), String.valueOf(value)});
        }

        synchronized List<String[]> logSnapshot() {
            return List.copyOf(log);
        }
    }

    /** One table of the disk as a sluice backend. */
    private static Backend<Integer, Integer> table(Disk disk, String name) {
        return new Backend<>() {
            @Override
            public Integer load(Integer key) {
                return disk.read(name, key);
            }

            @Override
            public void write(Integer key, Integer value) throws IOException {
                disk.write(name, key, value);
            }
        };
    }

    final WriteBackCache<Integer, Integer> l2;
    final WriteBackCache<Integer, Integer> refcounts;
    private final ArrayDeque<Integer> freeClusters = new ArrayDeque<>();

    ToyImage(Disk disk, int clusters, int capacity, Executor executor) {
        l2 = new WriteBackCache<>(table(disk, "L2"), capacity, executor);
        refcounts = new WriteBackCache<>(table(disk, "RC"), capacity, executor);
        for (int c = 1; c <= clusters; c++) {
            freeClusters.add(c);
        }
    }

    /** Points a free slot at a newly allocated cluster; false if the image is full. */
    boolean allocate(int slot) throws IOException {
        Integer cluster;
        synchronized (freeClusters) {
            cluster = freeClusters.poll();
        }
        if (cluster == null) {
            return false;
        }
        refcounts.put(cluster, 1);
        l2.dependOn(refcounts); // the pointer below reaches the disk after the refcount above
        l2.put(slot, cluster);
        return true;
    }

    /** Clears a slot's pointer and frees its cluster. */
    void free(int slot) throws IOException {
        int cluster = l2.get(slot);
        if (cluster == 0) {
            return;
        }
        l2.put(slot, 0);
        refcounts.dependOn(l2); // the refcount below reaches the disk after the cleared pointer
        refcounts.put(cluster, 0);
        synchronized (freeClusters) {
            freeClusters.add(cluster);
        }
    }

    /** Everything to disk, each cache after its dependencies. */
    void flush() throws IOException {
        l2.flush();
        refcounts.flush();
    }
}
