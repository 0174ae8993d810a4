package dev.sluice.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * The workload a write-back cache exists for: each putting thread cycles through its own keys,
 * three times the capacity, so every put misses and evicts a dirty victim (an LRU cache holds
 * the last 1,000 keys put, never the next one) whose write takes {@code writeMicros}.
 *
 * <ul>
 *   <li>{@code dirtyEvictions}: puts only, at 1 and 2 threads ({@code -t}): how many dirty
 *       evictions per millisecond the cache sustains.
 *   <li>{@code hitsDuringWriteBacks}: one thread puts as above while another reads a hot set that
 *       stays resident, so every get is a hit; sampled times give the hit's percentiles. A hit
 *       must not wait for another key's I/O, which a cache that writes back under its one lock
 *       cannot promise. The reader's next get waits for its last (a closed loop), which hides
 *       how long a lock-based peer's reader is blocked; {@link PacedHits} times gets from when
 *       they fall due.
 * </ul>
 */
@State(Scope.Benchmark)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(3)
public class SlowBackendBenchmark {
    static final int CAPACITY = 1_000;
    static final int HOT = 100;
    static final int COLD = 3 * CAPACITY; // keys per putting thread

    @Param({"sluice", "sluiceCallerRuns", "imagoStyle", "linkedHashMap"})
    public String peer;

    @Param({"20", "200"})
    public int writeMicros;

    Peer cache;

    @State(Scope.Thread)
    public static class Cursor {
        int index;
        /** Each thread puts its own 3,000 keys, so every put misses and evicts at any thread count. */
        int firstKey;

        @Setup(Level.Trial)
        public void setUp(ThreadParams thread) {
            firstKey = HOT + thread.getThreadIndex() * COLD;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        cache = SlowBackendPeers.create(peer, CAPACITY, TimeUnit.MICROSECONDS.toNanos(writeMicros));
        for (int key = 0; key < HOT; key++) {
            cache.get(key);
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public void dirtyEvictions(Cursor cursor) {
        put(cursor);
    }

    @Benchmark
    @Group("hitsDuringWriteBacks")
    @GroupThreads(1)
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Integer hit(Cursor cursor) {
        return cache.get(Math.floorMod(cursor.index++, HOT));
    }

    @Benchmark
    @Group("hitsDuringWriteBacks")
    @GroupThreads(1)
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public void put(Cursor cursor) {
        int i = cursor.index++;
        cache.put(cursor.firstKey + Math.floorMod(i, COLD), i);
    }
}
