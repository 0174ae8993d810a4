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
 * Throughput on Caffeine's GetPutBenchmark shape: a scrambled Zipf stream over ~11k keys, a
 * capacity of 2^16 so that every read hits after warm-up; read-only, 75/25 read/write and
 * write-only. Run at 1 and 2 threads ({@code -t 1}, {@code -t 2}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class GetPutBenchmark {
    static final int ITEMS = 11_000;

    @Param({"sluice", "caffeine", "chm", "linkedHashMap", "imagoStyle"})
    public String peer;

    Peer cache;
    Integer[] keys;

    @State(Scope.Thread)
    public static class Cursor {
        int index = System.identityHashCode(this) * 0x9E3779B1;
    }

    @Setup(Level.Trial)
    public void setUp() {
        cache = Peer.create(peer, 1 << 16);
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
