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

/**
 * The workload a write-back cache exists for: one thread puts keys spread over three times the
 * capacity, so nearly every put evicts a dirty victim whose write takes {@code writeMicros};
 * another thread reads a hot set that stays resident, so every get is a hit. Sampled times give
 * the put's mean (the write-back throughput) and the get's percentiles: a hit must not wait for
 * another key's I/O, which a cache that writes back under its one lock cannot promise.
 */
@State(Scope.Group)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class SlowBackendBenchmark {
    static final int CAPACITY = 1_000;
    static final int HOT = 100;
    static final int COLD = 3 * CAPACITY;

    @Param({"sluice", "imagoStyle", "linkedHashMap"})
    public String peer;

    @Param({"20", "200"})
    public int writeMicros;

    Peer cache;

    @State(Scope.Thread)
    public static class Cursor {
        int index;
    }

    @Setup(Level.Trial)
    public void setUp() {
        cache = SlowBackendPeers.create(peer, CAPACITY, TimeUnit.MICROSECONDS.toNanos(writeMicros));
        for (int key = 0; key < HOT; key++) {
            cache.get(key);
        }
    }

    @Benchmark
    @Group("hitsDuringWriteBacks")
    @GroupThreads(1)
    public Integer hit(Cursor cursor) {
        return cache.get(cursor.index++ % HOT);
    }

    @Benchmark
    @Group("hitsDuringWriteBacks")
    @GroupThreads(1)
    public void dirtyEviction(Cursor cursor) {
        cache.put(HOT + cursor.index++ % COLD, cursor.index);
    }
}
