package dev.sluice.bench;

import static dev.sluice.bench.Report.QUOTABLE;
import static dev.sluice.bench.Report.find;
import static dev.sluice.bench.Report.number;
import static dev.sluice.bench.Report.peerOf;
import static dev.sluice.bench.Report.ratio;
import static dev.sluice.bench.Report.select;
import static dev.sluice.bench.Report.showRatio;

import dev.sluice.bench.Report.Row;
import dev.sluice.bench.Report.Score;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The report's slow-backend section: JMH's dirty-eviction throughput, the hit percentiles of
 * {@code SlowBackendBenchmark.hitsDuringWriteBacks} over bench/run's one-fork runs, and
 * {@link PacedHits}'s latencies of gets on a schedule of their own.
 */
final class SlowBackendReport {
    private SlowBackendReport() {}

    /** Dirty-eviction throughput and the hits' percentiles while write-backs are in flight. */
    static void print(List<Row> rows, List<List<Row>> hitRuns) {
        System.out.println("\n## Slow backend: dirty evictions per ms, and get hits while write-backs are in flight\n");
        System.out.println("| workload | peer | dirty evictions | sluice vs peer |");
        System.out.println("|---|---|---|---|");
        List<Row> evictions = select(rows, r -> r.benchmark().equals("SlowBackendBenchmark.dirtyEvictions"));
        evictions.sort(Comparator.comparing(Row::workload)); // stable: each workload's peers stay in run order
        for (Row r : evictions) {
            Row sluice = peerOf(rows, r, "sluice");
            System.out.printf("| %s | %s | %s | %s |%n", r.workload(), r.peer(), r.score().show(),
                    sluice == null || r == sluice ? "-" : showRatio(ratio(sluice, r)));
        }
        if (hitRuns.isEmpty()) {
            return;
        }
        System.out.printf("%nHit percentiles: geometric mean of %d one-fork runs ± the wider side of its 99.9%% "
                + "Student's t interval over the runs' logarithms; a ratio is taken within each run first.%n%n", hitRuns.size());
        System.out.println("| write | peer | hit mean | hit p50 | hit p99 | p99 per run | p99: peer / sluice | hit p99.9 | put mean |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        for (Row p99 : select(hitRuns.get(0), r -> r.benchmark().endsWith(":hit:p0.99"))) {
            String micros = p99.params().get("writeMicros");
            double[] mine = perRun(hitRuns, ":hit:p0.99", p99.peer(), micros);
            double[] sluice = perRun(hitRuns, ":hit:p0.99", "sluice", micros);
            double[] ratios = new double[mine.length];
            Arrays.setAll(ratios, i -> mine[i] / sluice[i]);
            System.out.printf("| %s µs | %s | %s | %s | %s | %s-%s | %s | %s | %s |%n", micros, p99.peer(),
                    acrossRuns(hitRuns, ":hit", p99.peer(), micros).show(),
                    acrossRuns(hitRuns, ":hit:p0.50", p99.peer(), micros).show(),
                    acrossRuns(hitRuns, ":hit:p0.99", p99.peer(), micros).show(),
                    number(Arrays.stream(mine).min().orElse(Double.NaN)), number(Arrays.stream(mine).max().orElse(Double.NaN)),
                    p99.peer().equals("sluice") ? "-" : showInterval(ratios),
                    acrossRuns(hitRuns, ":hit:p0.999", p99.peer(), micros).show(),
                    acrossRuns(hitRuns, ":put", p99.peer(), micros).show());
        }
    }

    /**
     * A percentile over runs. Runs differ by more than a run's own spread (which JMH does not
     * give for percentiles), so the runs are the samples, and their logarithms are what averages:
     * a peer's p99 moves by factors between runs, not by microseconds.
     */
    private static Score acrossRuns(List<List<Row>> runs, String suffix, String peer, String micros) {
        double[] interval = PairedHits.geometricInterval(perRun(runs, suffix, peer, micros));
        String unit = find(runs.get(0), r -> r.benchmark().endsWith(suffix)).score().unit();
        return new Score(interval[0], Math.max(interval[0] - interval[1], interval[2] - interval[0]), unit);
    }

    private static double[] perRun(List<List<Row>> runs, String suffix, String peer, String micros) {
        return runs.stream().map(run -> find(run, r -> r.benchmark().endsWith(suffix)
                && r.peer().equals(peer) && micros.equals(r.params().get("writeMicros"))))
                .mapToDouble(r -> r == null ? Double.NaN : r.score().value()).toArray();
    }

    /** "ratio (low-high)" of ratios taken run by run, flagged if the interval is wider than ±10%. */
    private static String showInterval(double[] ratios) {
        if (ratios.length < 2) {
            return String.format("%.0f (no interval: one run)", ratios[0]);
        }
        double[] interval = PairedHits.geometricInterval(ratios);
        double error = Math.max(interval[0] - interval[1], interval[2] - interval[0]) / interval[0];
        return String.format("%s (%s-%s)%s", number(interval[0]), number(interval[1]), number(interval[2]),
                !(error <= QUOTABLE) ? ", error > 10%: not quotable" : "");
    }

    /**
     * PacedHits's JVMs, by write time, peer and window: each latency as the median JVM's with the
     * lowest and highest. No ratio: a cache whose gets queue makes them wait for as long as the
     * reader is passed over, seconds here, so its percentiles are not a stable property of the
     * cache; the table shows both windows, so that a reader can see the waits in either.
     */
    static void paced(Path file) throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        List<String> lines = Files.readAllLines(file);
        List<String> header = Report.split(lines.get(0));
        Map<String, List<List<String>>> groups = new TreeMap<>(Comparator.comparing((String k) -> k.split(" ")[0].length())
                .thenComparing(k -> k)); // 20 µs before 200 µs
        Map<String, Integer> peerOrder = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            List<String> cells = Report.split(line);
            String peer = cells.get(header.indexOf("peer"));
            peerOrder.putIfAbsent(peer, peerOrder.size());
            String key = cells.get(header.indexOf("writeMicros")) + " " + peerOrder.get(peer) + " "
                    + String.format("%05d", Integer.parseInt(cells.get(header.indexOf("seconds"))));
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(cells);
        }
        System.out.println("\nGets on a Poisson schedule (PacedHits), timed from when each fell due: the median JVM's "
                + "latency (lowest-highest JVM), in µs.\n");
        System.out.println("| write | peer | window | JVMs | gets | misses | p50 | p99 | p99.9 | max | puts per ms |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        for (List<List<String>> jvms : groups.values()) {
            List<String> first = jvms.get(0);
            System.out.printf("| %s µs | %s | %s s | %d | %s | %s | %s | %s | %s | %s | %s |%n",
                    first.get(header.indexOf("writeMicros")), first.get(header.indexOf("peer")),
                    first.get(header.indexOf("seconds")), jvms.size(), number(median(header, jvms, "gets")),
                    spread(header, jvms, "misses"), spread(header, jvms, "p50"), spread(header, jvms, "p99"),
                    spread(header, jvms, "p999"), spread(header, jvms, "max"), number(median(header, jvms, "putsPerMs")));
        }
    }

    private static double[] column(List<String> header, List<List<String>> jvms, String name) {
        return jvms.stream().mapToDouble(cells -> Double.parseDouble(cells.get(header.indexOf(name)))).sorted().toArray();
    }

    private static double median(List<String> header, List<List<String>> jvms, String name) {
        return Report.spread(column(header, jvms, name), "").value();
    }

    private static String spread(List<String> header, List<List<String>> jvms, String name) {
        double[] sorted = column(header, jvms, name);
        return sorted.length == 1 ? number(sorted[0]) : String.format("%s (%s-%s)", number(median(header, jvms, name)),
                number(sorted[0]), number(sorted[sorted.length - 1]));
    }
}
