package dev.sluice.bench;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Throughput of hits: a scrambled Zipf stream over 11,000 keys, all resident, so every read hits;
 * read-only, 75/25 read/write and write-only, at 1 and 2 threads ({@code -t 1}, {@code -t 2}).
 *
 * <p>Two shapes. {@code caffeine} is Caffeine's own GetPutBenchmark: capacity 2^16, the cache a
 * sixth full, so Caffeine skips its read buffer (it records reads only once its frequency sketch
 * exists, at half capacity) and its hits are a bare map lookup. {@code fair}: capacity 12,000, the
 * cache 92% full, so every peer with a policy records every hit, and every read still hits.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(5)
public class GetPutBenchmark {
    static final int ITEMS = 11_000;
    static final int FAIR_CAPACITY = 12_000;

    @Param({"sluice", "caffeine", "chm", "linkedHashMap", "imagoStyle"})
    public String peer;

    @Param({"fair", "caffeine"})
    public String shape;

    /** Where sluice's and Caffeine's maintenance runs: the calling thread, or the common pool. */
    @Param({"caller", "pool"})
    public String maintenance;

    Peer cache;
    Integer[] keys;

    @State(Scope.Thread)
    public static class Cursor {
        int index = System.identityHashCode(this) * 0x9E3779B1;
    }

    @Setup(Level.Trial)
    public void setUp() {
        cache = Peer.create(peer, shape.equals("fair") ? FAIR_CAPACITY : 1 << 16,
                maintenance.equals("caller") ? Runnable::run : ForkJoinPool.commonPool());
        keys = KeyStreams.scrambledZipf(ITEMS, 42);
        for (int i = 0; i < ITEMS; i++) {
            cache.put(i, i);
        }
    }

    @Benchmark
    public Integer readOnly(Cursor cursor) {
        return cache.get(keys[cursor.index++ & KeyStreams.MASK]);
    }

    @Benchmark
    public Integer readWrite(Cursor cursor) {
        int i = cursor.index++;
        Integer key = keys[i & KeyStreams.MASK];
        if ((i & 3) == 0) {
            cache.put(key, key);
            return key;
        }
        return cache.get(key);
    }

    @Benchmark
    public void writeOnly(Cursor cursor) {
        Integer key = keys[cursor.index++ & KeyStreams.MASK];
        cache.put(key, key);
    }
}
