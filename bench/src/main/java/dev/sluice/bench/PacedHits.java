package dev.sluice.bench;

import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Hit latency while write-backs are in flight, as a caller sees it: gets fall due on a schedule
 * of their own, and each is timed from when it fell due, not from when the reader got round to it.
 *
 * <p>Why not JMH's sampled times alone ({@code SlowBackendBenchmark.hitsDuringWriteBacks}): there
 * the reader issues its next get only when the last returns, so a reader blocked for a whole write
 * makes one slow sample, and in the gaps between writes it makes hundreds of fast ones. The share of
 * slow samples then depends on how the lock's gaps fall to the reader, not on how long the lock is
 * held, and a lock-based peer's p99 came out as low as sluice's in some runs (bench/README.md).
 * That is coordinated omission (Gil Tene, "How NOT to Measure Latency"). Here the gets fall due at
 * Poisson times, independent of the putter, so they meet the lock as often as it is held, and a get
 * that falls due while the reader is still waiting on the cache counts that wait too.
 *
 * <p>One thread puts as in {@code SlowBackendBenchmark} (its own 3,000 keys in a 1,000-entry cache,
 * so every put evicts a dirty victim whose write spins WRITE_MICROS); the main thread gets
 * {@link #HOT_KEYS} resident keys in turn, on average one get per GAP_WRITES writes' time (default
 * {@link #MEAN_GAP_WRITES}), and counts the gets that missed: a hot key evicted while the reader
 * could not get at it, which only a reader passed over for a long time should see. After {@link #WARMUP_SECONDS} s it records every get for SECONDS s.
 * If the cache serves gets more slowly than they fall due, they queue and wait for as long as it
 * falls behind; bench/run measures two window lengths, so that such waits are seen not to be one
 * window's artefact.
 *
 * <p>Usage: {@code PacedHits PEER WRITE_MICROS SECONDS [SEED [GAP_WRITES]]}, PEER one of
 * {@link SlowBackendPeers#create}'s; prints one CSV line (see {@link #HEADER}, latencies in µs)
 * with the seed, which fixes the schedule.
 */
public final class PacedHits {
    static final String HEADER = "peer,writeMicros,seconds,gapWrites,seed,gets,misses,p50,p99,p999,max,putsPerMs";
    static final int WARMUP_SECONDS = 3;
    /** Gets are due on average once per this many writes' time, unless GAP_WRITES says otherwise. */
    static final int MEAN_GAP_WRITES = 4;
    /**
     * The hot set: few keys, so that each is got every few milliseconds, long before a putter that
     * evicts one entry per write could push it out of the 1,000 entries (with JMH's 100 hot keys a
     * get of each every 8-80 ms would leave sluice only a 22% margin at 200 µs writes).
     */
    static final int HOT_KEYS = 10;

    private final Peer cache;
    private final long writeNanos;
    private final int gapWrites;
    /**
     * Written once by the main thread, read by the putter before each put: volatile so that the
     * putter sees it and stops (visibility only; nothing is published through it; a harness
     * field, no jcstress test).
     */
    private volatile boolean stopped;
    /**
     * The putter's count, read by the main thread while the putter runs, at the start and end of
     * the measured window. Volatile so that those reads see a current count (one writer, so the
     * increment's read and write need no atomicity); its fence per put is tens of nanoseconds
     * beside a put that waits for a write of 20 µs or more. A harness field: no jcstress test.
     */
    private volatile long puts;

    private PacedHits(Peer cache, long writeNanos, int gapWrites) {
        this.cache = cache;
        this.writeNanos = writeNanos;
        this.gapWrites = gapWrites;
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length == 1 && args[0].equals("--header")) {
            System.out.println(HEADER);
            return;
        }
        if (args.length < 3 || args.length > 5) {
            System.err.println("usage: PacedHits sluice|sluiceCallerRuns|imagoStyle|linkedHashMap WRITE_MICROS SECONDS"
                    + " [SEED [GAP_WRITES]], or --header");
            System.exit(2);
        }
        int writeMicros = positive(args[1], "WRITE_MICROS");
        int seconds = positive(args[2], "SECONDS");
        long seed = args.length >= 4 ? Long.parseLong(args[3]) : System.nanoTime();
        int gapWrites = args.length == 5 ? positive(args[4], "GAP_WRITES") : MEAN_GAP_WRITES;
        long writeNanos = TimeUnit.MICROSECONDS.toNanos(writeMicros);
        LongAdder misses = new LongAdder();
        Peer cache = SlowBackendPeers.create(args[0], SlowBackendBenchmark.CAPACITY, writeNanos, misses);
        for (int key = 0; key < HOT_KEYS; key++) {
            cache.get(key);
        }
        PacedHits run = new PacedHits(cache, writeNanos, gapWrites);
        Thread putter = new Thread(run::putUntilStopped, "putter");
        putter.start();
        Random schedule = new Random(seed);
        run.getOnSchedule(schedule, TimeUnit.SECONDS.toNanos(WARMUP_SECONDS)); // JIT; discarded
        long putsBefore = run.puts;
        long missesBefore = misses.sum();
        long measuredFrom = System.nanoTime();
        long[] latencies = run.getOnSchedule(schedule, TimeUnit.SECONDS.toNanos(seconds));
        double putsPerMs = (run.puts - putsBefore) / ((System.nanoTime() - measuredFrom) / 1e6);
        long missed = misses.sum() - missesBefore;
        run.stopped = true;
        putter.join();
        Arrays.sort(latencies);
        System.out.printf("%s,%d,%d,%d,%d,%d,%d,%s,%s,%s,%s,%.3f%n", args[0], writeMicros, seconds, gapWrites, seed,
                latencies.length, missed,
                micros(latencies, 0.50), micros(latencies, 0.99), micros(latencies, 0.999),
                micros(latencies, 1.0), putsPerMs);
    }

    private static int positive(String arg, String name) {
        int value = Integer.parseInt(arg);
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, not " + arg);
        }
        return value;
    }

    private void putUntilStopped() {
        int firstKey = SlowBackendBenchmark.HOT;
        for (int i = 0; !stopped; i++) {
            cache.put(firstKey + Math.floorMod(i, SlowBackendBenchmark.COLD), i);
            puts++;
        }
    }

    /**
     * Gets hot keys at exponentially distributed gaps (mean {@code gapWrites} writes' time) for
     * {@code nanos}, and returns each get's latency. The reader parks between gets rather than
     * spin: with sluice the putter and the pool's write-back already keep both cores busy, and a
     * spinning reader (a variant of this loop, not kept), a third busy thread, was descheduled for
     * milliseconds (sluice's p99 1.4-1.7 ms spinning, 26-32 µs parking, at 20 µs writes). A park
     * may wake late (a 20 µs park takes about 90 µs here); that lateness is the reader's, so a get
     * is timed from when it fell due or, if the reader was still parked then, from when it woke. A
     * get that fell due while the last one was still waiting on the cache is timed from when it
     * fell due.
     */
    private long[] getOnSchedule(Random schedule, long nanos) {
        double meanGap = gapWrites * (double) writeNanos;
        long[] latencies = new long[(int) Math.min(Integer.MAX_VALUE - 8, 2 * nanos / meanGap + 1000)];
        int count = 0;
        long start = System.nanoTime();
        long due = start;
        long woke = start;
        while (due - start < nanos) {
            due += (long) (-meanGap * Math.log(1 - schedule.nextDouble()));
            long now = System.nanoTime();
            if (due - now > 0) {
                do {
                    LockSupport.parkNanos(due - now);
                    now = System.nanoTime();
                } while (due - now > 0);
                woke = now;
            }
            long from = due - woke > 0 ? due : woke;
            cache.get(Math.floorMod(count, HOT_KEYS)); // a get locks or buffers: it cannot be elided
            if (count == latencies.length) {
                throw new IllegalStateException("more gets were due than " + count + ": the schedule's gaps are not "
                        + meanGap + " ns on average");
            }
            latencies[count++] = System.nanoTime() - from;
        }
        return Arrays.copyOf(latencies, count);
    }

    /** The q-quantile of sorted nanosecond latencies, in microseconds. */
    private static String micros(long[] sorted, double q) {
        int index = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
        return String.format("%.3f", sorted[Math.max(0, index)] / 1e3);
    }
}
