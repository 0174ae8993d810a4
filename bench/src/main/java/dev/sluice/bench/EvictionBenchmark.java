package dev.sluice.bench;

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
 * Miss-heavy and eviction-heavy cost per operation as the capacity grows: uniform keys over twice
 * the capacity, so about half the reads miss and each miss evicts. An O(1) policy keeps the cost
 * flat from 1k to 1M; a scanning one (imagoStyle) grows with the capacity, so it is measured up to
 * 100k only (1M would take minutes per operation batch).
 *
 * <p>sluice and Caffeine run their maintenance on the calling thread here, so that each operation
 * is timed with all the work it causes. On their default executor (the common pool) part of it
 * moves to the pool's thread, and the time per operation depends on how the two threads share
 * this machine's two cores: sluice at 100k measured 170 ns in one fork and 320 ns in the next.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(5)
public class EvictionBenchmark {
    @Param({"1000", "10000", "100000", "1000000"})
    public int capacity;

    @Param({"sluice", "caffeine", "linkedHashMap", "imagoStyle"})
    public String peer;

    Peer cache;
    Integer[] keys;

    @State(Scope.Thread)
    public static class Cursor {
        int index = System.identityHashCode(this) * 0x9E3779B1;
    }

    @Setup(Level.Trial)
    public void setUp() {
        if (peer.equals("imagoStyle") && capacity > 100_000) {
            throw new IllegalStateException("imagoStyle is not measured above 100k: each eviction scans every entry");
        }
        cache = Peer.create(peer, capacity, Runnable::run);
        keys = KeyStreams.uniform(2 * capacity, 7);
        for (int i = 0; i < capacity; i++) {
            cache.get(keys[i & KeyStreams.MASK]);
        }
    }

    @Benchmark
    public Integer missAndEvict(Cursor cursor) {
        return cache.get(keys[cursor.index++ & KeyStreams.MASK]);
    }
}
