package dev.sluice.example;

import dev.sluice.cache.Backend;
import dev.sluice.cache.Pin;
import dev.sluice.cache.WriteBackCache;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A toy qcow2-like image: the way sluice is meant to be used. An L2 table maps guest slots to
 * clusters (0: unallocated); a refcount table counts each cluster's users. Both are stored in
 * blocks of {@link #BLOCK} entries, one cache entry per block, in two caches over one disk, and
 * their writes must reach it in an order that keeps the image consistent after a crash at any
 * moment: no L2 pointer may name a cluster whose refcount on disk is 0 (a leaked cluster is
 * tolerable, a dangling pointer is not). sluice's flush dependencies give that order (SPEC
 * I-DEP-ORDER):
 * <ul>
 *   <li>allocate: refcount up, then {@code l2.dependOn(refcounts)}, then set the pointer;
 *   <li>free: clear the pointer, then {@code refcounts.dependOn(l2)}, then refcount down.
 * </ul>
 * A block holds entries that different threads change, so every change is an atomic
 * {@code update} of its block, in one of three {@link Style}s. Each slot is changed by one thread
 * at a time (the caller's rule, as in qcow2, where a request owns the clusters it touches); the
 * free-cluster list is the image's own, behind its monitor.
 */
final class ToyImage {
    static final int BLOCK = 4;

    /** How a table entry is changed. */
    enum Style {
        /** {@code update} with a function that returns a changed copy of the block. */
        COPY,
        /** {@code update} with a function that changes the block in place (SPEC I-NO-TORN-WRITE). */
        IN_PLACE,
        /** Pin the block, then {@code Pin.update} in place, as a client holding the table would. */
        PINNED
    }

    /** The disk: blocks of two tables, and one log of every block write in the order it happened. */
    static final class Disk {
        private final Map<String, int[]> blocks = new HashMap<>();
        private final List<String[]> log = new ArrayList<>(); // {table, block, "e0,e1,e2,e3"}
        final AtomicLong failedWrites = new AtomicLong();
        volatile Predicate<String> failWrite = where -> false;

        synchronized int read(String table, int index) {
            int[] block = blocks.get(table + index / BLOCK);
            return block == null ? 0 : block[index % BLOCK];
        }

        synchronized int[] readBlock(String table, int block) {
            int[] stored = blocks.get(table + block);
            return stored == null ? new int[BLOCK] : stored.clone();
        }

        void write(String table, int block, int[] contents) throws IOException {
            if (failWrite.test(table + block)) {
                failedWrites.incrementAndGet();
                throw new IOException("injected write failure of " + table + block);
            }
            // The device reads the caller's memory during the I/O, one entry at a time: a block
            // changed in place meanwhile would be written torn (what I-NO-TORN-WRITE rules out).
            int[] written = new int[BLOCK];
            StringBuilder entries = new StringBuilder();
            for (int i = 0; i < BLOCK; i++) {
                written[i] = contents[i];
                entries.append(i == 0 ? "" : ",").append(written[i]);
                Thread.yield();
            }
            synchronized (this) {
                blocks.put(table + block, written);
                log.add(new String[] {table, String.valueOf(block), entries.toString()});
            }
        }

        synchronized List<String[]> logSnapshot() {
            return List.copyOf(log);
        }
    }

    /** One table of the disk as a sluice backend. */
    private static Backend<Integer, int[]> table(Disk disk, String name) {
        return new Backend<>() {
            @Override
            public int[] load(Integer block) {
                return disk.readBlock(name, block);
            }

            @Override
            public void write(Integer block, int[] contents) throws IOException {
                disk.write(name, block, contents);
            }
        };
    }

    final WriteBackCache<Integer, int[]> l2;
    final WriteBackCache<Integer, int[]> refcounts;
    private final Style style;
    private final ArrayDeque<Integer> freeClusters = new ArrayDeque<>();

    ToyImage(Disk disk, int clusters, int capacity, Executor executor, Style style) {
        l2 = new WriteBackCache<>(table(disk, "L2"), capacity, executor);
        refcounts = new WriteBackCache<>(table(disk, "RC"), capacity, executor);
        this.style = style;
        for (int c = 1; c <= clusters; c++) {
            freeClusters.add(c);
        }
    }

    /** One entry of a table, as the cache holds it now. */
    static int read(WriteBackCache<Integer, int[]> table, int index) throws IOException {
        return table.get(index / BLOCK)[index % BLOCK];
    }

    private void set(WriteBackCache<Integer, int[]> table, int index, int value) throws IOException {
        int block = index / BLOCK;
        int entry = index % BLOCK;
        switch (style) {
            case COPY -> table.update(block, b -> {
                int[] copy = b.clone();
                copy[entry] = value;
                return copy;
            });
            case IN_PLACE -> table.update(block, b -> {
                b[entry] = value;
                return b;
            });
            case PINNED -> {
                try (Pin<int[]> pin = table.pin(block)) {
                    pin.update(b -> {
                        b[entry] = value;
                        return b;
                    });
                }
            }
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
        set(refcounts, cluster, 1);
        l2.dependOn(refcounts); // the pointer below reaches the disk after the refcount above
        set(l2, slot, cluster);
        return true;
    }

    /** Clears a slot's pointer and frees its cluster. */
    void free(int slot) throws IOException {
        int cluster = read(l2, slot);
        if (cluster == 0) {
            return;
        }
        set(l2, slot, 0);
        refcounts.dependOn(l2); // the refcount below reaches the disk after the cleared pointer
        set(refcounts, cluster, 0);
        synchronized (freeClusters) {
            freeClusters.add(cluster);
        }
    }

    /** Everything to disk, each cache after its dependencies. */
    void flush() throws IOException {
        l2.flush();
        refcounts.flush();
    }

    /** Drops both caches while other threads may still use them: nothing dirty is lost. */
    void dropCaches() throws IOException {
        l2.evictAll();
        refcounts.evictAll();
    }

    /** Background write-backs that failed: never thrown to this client, so it asks. */
    long backgroundWriteFailures() {
        return l2.evictionFailureCount() + refcounts.evictionFailureCount();
    }

    Throwable lastBackgroundWriteFailure() {
        Throwable l2Failure = l2.lastEvictionFailure();
        return l2Failure != null ? l2Failure : refcounts.lastEvictionFailure();
    }
}
