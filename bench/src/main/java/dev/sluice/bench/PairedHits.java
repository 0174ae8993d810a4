package dev.sluice.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Phaser;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * sluice / Caffeine in GetPutBenchmark's fair shape at one or two threads, measured as randomized
 * interleaved slices in one JVM (RMIT: Abedi and Brecht, "Conducting Repeatable Experiments in
 * Highly Variable Cloud Computing Environments", ICPE 2017).
 *
 * <p>Why not JMH alone: on this two-vCPU VM, two threads that share written cache lines run in
 * machine modes up to 4x apart that last seconds. A trace of this harness
 * ({@code -Dsluice.bench.trace=true}) shows both caches changing mode at the same slice boundary,
 * so the switches are the machine's (where the host runs the two vCPUs), not either cache's heap
 * layout; at one thread the machine drifts too, more slowly. JMH measures the two caches minutes
 * apart, in different modes, and their two-thread ratio carries 20-30% errors. Here the caches take turns in 200 ms slices, in a random order per
 * pair, so both halves of a pair nearly always see the same mode; a fork's ratio is the geometric
 * mean of its per-pair ratios, with a 99.9% Student's t interval over the pairs.
 *
 * <p>That cancels the swing of the scores, not of the ratio: the ratio itself differs between
 * modes, and sluice's speed also depends on its heap layout (an A/A run of two sluice caches
 * differs by up to 31% in one JVM; bench/README.md), so forks still disagree, and bench/run runs
 * many forks, which Report combines with an interval over forks. Both caches run maintenance on
 * the calling thread, as in JMH's hit rows.
 *
 * <p>Usage: {@code PairedHits WORKLOAD THREADS SECONDS [SEED [A B]]}, WORKLOAD one of readOnly,
 * readWrite, writeOnly; A and B (default sluice caffeine) may name the same cache, for an A/A run
 * that shows what the harness alone makes of two identical caches. It prints one CSV line (see
 * {@link #HEADER}) with the seed, which picks the construction order and each pair's order, so a
 * run's order can be replayed.
 */
public final class PairedHits {
    /** Per-slice scores (ops/µs) of A and B are named sluice* and caffeine* after the default pair. */
    static final String HEADER = "workload,threads,seed,pairs,ratio,low,high,"
            + "sluiceMin,sluiceMedian,sluiceMax,caffeineMin,caffeineMedian,caffeineMax";
    static final long SLICE_MILLIS = 200;
    static final int WARMUP_PAIRS = 15;
    static final double CONFIDENCE = 0.999;
    /** -Dsluice.bench.trace=true prints every slice's score to stderr (warm-up pairs numbered below 0). */
    static final boolean TRACE = Boolean.getBoolean("sluice.bench.trace");

    private final Loop[] loops = new Loop[2]; // [0] A (sluice), [1] B (Caffeine)
    private final Integer[] keys = KeyStreams.scrambledZipf(GetPutBenchmark.ITEMS, 42);
    private final String workload;
    /** Of every four operations, how many are puts: 0 (readOnly), 1 (readWrite), 4 (writeOnly). */
    private final int putsPerFour;
    private final Phaser slices;
    private final double[] opsPerMicro;

    // current and finished are written by the controller before it arrives at a slice's start, and
    // opsPerMicro by each worker before it arrives at the slice's end; whoever reads them does so
    // after that phase advances, which orders the accesses (Phaser's memory-consistency effects).
    // running is volatile because the controller clears it while the workers run, and each worker
    // reads it once per operation, as the loop JMH generates reads its done flag.
    private Loop current;
    private boolean finished;
    private volatile boolean running;
    private volatile long sink;
    /**
     * What a worker threw; it then terminates the Phaser, so the controller stops waiting.
     * Volatile: the worker writes it before {@code forceTermination}, and the controller reads it
     * only after seeing the termination, so the volatile write and read order the cause before
     * the report (a harness field: no jcstress test; a lost cause would only blank the message).
     */
    private volatile Throwable failure;

    /** Builds and fills both caches, in an order the seed picks: which is allocated first varies. */
    private PairedHits(String workload, int threads, Random seeded, String[] names) {
        this.workload = workload;
        this.putsPerFour = workload.equals("readOnly") ? 0 : workload.equals("readWrite") ? 1 : 4;
        int first = seeded.nextInt(2);
        for (int turn = 0; turn < 2; turn++) {
            int which = turn == 0 ? first : 1 - first;
            Peer peer = Peer.create(names[which], GetPutBenchmark.FAIR_CAPACITY, Runnable::run);
            for (int i = 0; i < GetPutBenchmark.ITEMS; i++) {
                peer.put(i, i);
            }
            loops[which] = Loop.of(peer);
        }
        this.slices = new Phaser(threads + 1);
        this.opsPerMicro = new double[threads];
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length == 1 && args[0].equals("--header")) {
            System.out.println(HEADER);
            return;
        }
        List<String> peerNames = List.of("sluice", "caffeine");
        if (args.length < 3 || args.length == 5 || args.length > 6
                || !List.of("readOnly", "readWrite", "writeOnly").contains(args[0])
                || (args.length == 6 && !(peerNames.contains(args[4]) && peerNames.contains(args[5])))) {
            System.err.println("usage: PairedHits readOnly|readWrite|writeOnly THREADS SECONDS [SEED [A B]], or --header"
                    + " (A, B: sluice or caffeine; the ratio is A / B, sluice / caffeine by default)");
            System.exit(2);
        }
        String[] names = args.length == 6 ? new String[] {args[4], args[5]} : new String[] {"sluice", "caffeine"};
        int threads = positive(args[1], "THREADS");
        int pairs = (int) (positive(args[2], "SECONDS") * 1000 / (2 * SLICE_MILLIS));
        long seed = args.length > 3 ? Long.parseLong(args[3]) : System.nanoTime();
        if (pairs < 2) {
            throw new IllegalArgumentException("SECONDS must give at least two pairs of " + SLICE_MILLIS + " ms slices");
        }
        Random seeded = new Random(seed);
        System.out.println(new PairedHits(args[0], threads, seeded, names).measure(threads, pairs, seed, seeded));
    }

    private static int positive(String arg, String name) {
        int value = Integer.parseInt(arg);
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, not " + arg);
        }
        return value;
    }

    private String measure(int threads, int pairs, long seed, Random order) throws InterruptedException {
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < threads; w++) {
            int worker = w;
            Thread thread = new Thread(() -> {
                try {
                    work(worker);
                } catch (Throwable t) {
                    failure = t;
                    slices.forceTermination();
                }
            }, "paired-hits-" + w);
            thread.setDaemon(true);
            thread.start();
            workers.add(thread);
        }
        double[][] scores = new double[2][pairs];
        for (int pair = -WARMUP_PAIRS; pair < pairs; pair++) {
            int first = order.nextInt(2);
            for (int turn = 0; turn < 2; turn++) {
                int peer = turn == 0 ? first : 1 - first;
                double score = slice(loops[peer]);
                if (TRACE) {
                    System.err.printf("pair %d peer %d %.2f ops/us%n", pair, peer, score);
                }
                if (pair >= 0) {
                    scores[peer][pair] = score;
                }
            }
        }
        finished = true;
        slices.arriveAndAwaitAdvance();
        for (Thread thread : workers) {
            thread.join();
        }
        return String.join(",", workload, Integer.toString(threads), Long.toString(seed), Integer.toString(pairs),
                geometricMeanRatio(scores[0], scores[1]), spread(scores[0]), spread(scores[1]));
    }

    /** One slice of {@code loop}'s peer: the workers' summed throughput in ops/µs. */
    private double slice(Loop loop) throws InterruptedException {
        current = loop;
        running = true;
        slices.arriveAndAwaitAdvance();
        Thread.sleep(SLICE_MILLIS);
        running = false;
        if (slices.arriveAndAwaitAdvance() < 0) { // terminated: a worker failed
            throw new IllegalStateException("a PairedHits worker failed", failure);
        }
        double sum = 0;
        for (double score : opsPerMicro) {
            sum += score;
        }
        return sum;
    }

    private void work(int worker) {
        int index = worker * (KeyStreams.SIZE / opsPerMicro.length);
        while (true) {
            if (slices.arriveAndAwaitAdvance() < 0 || finished) { // terminated by the other worker, or done
                return;
            }
            long start = System.nanoTime();
            long ops = current.runWhileRunning(this, index);
            opsPerMicro[worker] = ops * 1000.0 / (System.nanoTime() - start);
            index += (int) ops;
            slices.arriveAndAwaitAdvance();
        }
    }

    /**
     * One peer's operations until the slice ends, like the loop JMH generates around a benchmark.
     * Each peer has its own copy so that the JIT compiles it with that peer alone in its profile,
     * as JMH compiles each benchmark: with one loop shared by both, C2 inlined sluice's whole read
     * path and drain into it and called Caffeine's out of line (seen with -XX:+PrintInlining).
     */
    abstract static class Loop {
        /** Runs operations from {@code index} while {@code harness.running}; returns how many. */
        abstract long runWhileRunning(PairedHits harness, int index);

        static Loop of(Peer peer) {
            if (peer instanceof Peer.Sluice sluice) {
                return new Loop() {
                    @Override
                    long runWhileRunning(PairedHits harness, int index) {
                        long sum = 0;
                        int start = index;
                        for (; harness.running; index++) {
                            Integer key = harness.keys[index & KeyStreams.MASK];
                            if ((index & 3) < harness.putsPerFour) {
                                sluice.put(key, key);
                            } else {
                                sum += sluice.get(key);
                            }
                        }
                        harness.sink = sum;
                        return index - start;
                    }
                };
            }
            Peer.CaffeinePeer caffeine = (Peer.CaffeinePeer) peer;
            return new Loop() {
                @Override
                long runWhileRunning(PairedHits harness, int index) {
                    long sum = 0;
                    int start = index;
                    for (; harness.running; index++) {
                        Integer key = harness.keys[index & KeyStreams.MASK];
                        if ((index & 3) < harness.putsPerFour) {
                            caffeine.put(key, key);
                        } else {
                            sum += caffeine.get(key);
                        }
                    }
                    harness.sink = sum;
                    return index - start;
                }
            };
        }
    }

    /** The geometric mean of a[i] / b[i] and its 99.9% interval: "ratio,low,high". */
    static String geometricMeanRatio(double[] a, double[] b) {
        double[] ratios = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            ratios[i] = a[i] / b[i];
        }
        double[] interval = geometricInterval(ratios);
        return String.format("%.4f,%.4f,%.4f", interval[0], interval[1], interval[2]);
    }

    /**
     * {geometric mean, low, high} of positive ratios: Student's t interval at {@link #CONFIDENCE}
     * on their logarithms (ratios multiply, so their logs are what averages); NaN bounds for one.
     */
    static double[] geometricInterval(double[] ratios) {
        int n = ratios.length;
        double mean = 0;
        for (double ratio : ratios) {
            mean += Math.log(ratio) / n;
        }
        double squares = 0;
        for (double ratio : ratios) {
            squares += (Math.log(ratio) - mean) * (Math.log(ratio) - mean);
        }
        double halfWidth = n < 2 ? Double.NaN : Math.sqrt(squares / (n - 1) / n)
                * new TDistribution(n - 1).inverseCumulativeProbability(1 - (1 - CONFIDENCE) / 2);
        return new double[] {Math.exp(mean), Math.exp(mean - halfWidth), Math.exp(mean + halfWidth)};
    }

    /** "min,median,max" of the per-slice scores. */
    static String spread(double[] scores) {
        double[] sorted = scores.clone();
        java.util.Arrays.sort(sorted);
        return String.format("%.2f,%.2f,%.2f", sorted[0], sorted[sorted.length / 2], sorted[sorted.length - 1]);
    }
}
