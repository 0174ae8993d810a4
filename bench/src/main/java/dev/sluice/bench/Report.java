package dev.sluice.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Turns bench/run's results into the tables of bench/README.md: the goals of issue 14 first
 * (each with its ratio, the ratio's error and a verdict), then every row with JMH's 99.9% error.
 * A ratio above 1 always means sluice is better: throughput is sluice / peer, times and bytes are
 * peer / sluice. A ratio's error combines the two relative errors (root of the sum of squares).
 * A row whose error exceeds 10% of its score is marked: it is not worth quoting. A goal is met
 * (or missed) only if the ratio's whole interval is on that side of it.
 *
 * <p>Hit percentiles have no JMH error, so they come from separate one-fork runs
 * ({@code slow-hits-N.csv}); the report gives their geometric mean with a Student's t interval
 * over the runs. Memory is the median of {@code memory.csv}'s runs, with half their range (every
 * run gives the same bytes).
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.sluice.bench.Report bench/target/results}
 */
public final class Report {
    static final double QUOTABLE = 0.10;

    private Report() {}

    /** A measurement: a score with its error, in a unit. */
    record Score(double value, double error, String unit) {
        double relativeError() {
            return error / value;
        }

        String show() {
            String flag = relativeError() > QUOTABLE || Double.isNaN(error) ? " (error > 10%: not quotable)" : "";
            return String.format("%s ± %s %s%s", number(value), number(error), unit, flag);
        }
    }

    /** One CSV row of JMH's: the benchmark's short name, its mode, threads and parameters. */
    record Row(String benchmark, String mode, int threads, int samples, Score score, Map<String, String> params) {
        String peer() {
            return params.get("peer");
        }

        /** The workload: benchmark, parameters other than the peer, threads. */
        String workload() {
            String rest = params.entrySet().stream().filter(e -> !e.getKey().equals("peer"))
                    .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
            return benchmark + (rest.isEmpty() ? "" : " (" + rest + ")") + ", " + threads + " thread" + (threads == 1 ? "" : "s");
        }

        boolean higherIsBetter() {
            return mode.equals("thrpt");
        }
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: Report RESULTS_DIRECTORY (bench/run writes bench/target/results)");
        }
        Path dir = Path.of(args[0]);
        List<Row> rows = new ArrayList<>();
        List<List<Row>> hitRuns = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.sorted().collect(Collectors.toList())) {
                String name = file.getFileName().toString();
                if (!name.endsWith(".csv")) {
                    continue; // JMH's logs
                }
                if (name.startsWith("slow-hits-")) {
                    hitRuns.add(read(file));
                } else if (name.startsWith("getput-") || name.startsWith("eviction") || name.startsWith("slow-evictions")) {
                    rows.addAll(read(file));
                }
            }
        }
        rows = keepLargestSamples(rows);
        environment(dir.resolve("environment.csv"));
        paired(List.of(dir.resolve("paired-t1.csv"), dir.resolve("paired-t2.csv")));
        jmhCrossCheck(rows);
        flatness(rows);
        SlowBackendReport.print(rows, hitRuns);
        SlowBackendReport.paced(dir.resolve("paced.csv"));
        memory(dir.resolve("memory.csv"));
        System.out.println("\n## Every row\n");
        table(rows);
    }

    private static void environment(Path file) throws IOException {
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file)) {
                if (!line.startsWith("#")) { // date, JDK, machine, commit, command
                    System.out.println("Measured: " + String.join(" · ", split(line)) + ".  ");
                }
            }
            System.out.println("Errors are JMH's 99.9% intervals, unless a table says otherwise.");
        }
    }

    /**
     * JMH's one-thread scores of sluice and Caffeine in the fair shape, beside the goals: a
     * cross-check of their direction, not a verdict. JMH measures the two caches minutes apart,
     * and the machine drifts by more than 10% in minutes (bench/README.md), so this ratio's error
     * cannot reach 10% with any number of forks; {@link #paired} decides the goals.
     */
    private static void jmhCrossCheck(List<Row> rows) {
        System.out.println("\n## One thread by JMH: each cache's own score in the fair shape (a cross-check; the paired table decides)\n");
        System.out.println("| workload | sluice | caffeine | sluice / caffeine, JVMs minutes apart |");
        System.out.println("|---|---|---|---|");
        for (Row sluice : select(rows, r -> r.benchmark().startsWith("GetPutBenchmark") && r.threads() == 1
                && "fair".equals(r.params().get("shape")) && r.peer().equals("sluice"))) {
            Row caffeine = peerOf(rows, sluice, "caffeine");
            if (caffeine != null) {
                Score ratio = ratio(sluice, caffeine);
                System.out.printf("| %s | %s | %s | %s%s |%n", sluice.workload(), sluice.score().show(),
                        caffeine.score().show(), showRatio(ratio),
                        !(ratio.relativeError() <= QUOTABLE) ? " (error > 10%: not quotable)" : ""); // a NaN error (one fork) too
            }
        }
    }

    /**
     * Issue 14's hit goals, sluice at least 0.8x Caffeine in the fair shape at 1 and 2 threads,
     * as {@link PairedHits} measures them, one CSV line per fork. A fork's ratio is the
     * geometric mean over its pairs of slices; the forks' ratios vary with the machine's mode (see
     * bench/README.md), so the interval is Student's t over forks, not over pairs, whose modes
     * persist from one pair to the next.
     */
    private static void paired(List<Path> files) throws IOException {
        Map<String, List<List<String>>> byWorkload = new LinkedHashMap<>();
        List<String> header = split(PairedHits.HEADER);
        for (Path file : files) {
            if (Files.exists(file)) {
                List<String> lines = Files.readAllLines(file);
                for (String line : lines.subList(1, lines.size())) {
                    List<String> cells = split(line);
                    String threads = cells.get(1).equals("1") ? " thread" : " threads";
                    byWorkload.computeIfAbsent(cells.get(0) + ", " + cells.get(1) + threads, w -> new ArrayList<>()).add(cells);
                }
            }
        }
        if (byWorkload.isEmpty()) {
            return;
        }
        System.out.println("\n## Goals: hits in the fair shape, sluice at least 0.8× Caffeine, measured in pairs (alternating slices of one JVM)\n");
        System.out.println("| workload | forks × pairs | sluice / caffeine (99.9% over forks) | forks' ratios | "
                + "within a fork | sluice per slice | caffeine per slice | goal |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (Map.Entry<String, List<List<String>>> e : byWorkload.entrySet()) {
            List<List<String>> forks = e.getValue();
            double[] ratios = forks.stream().mapToDouble(f -> cell(header, f, "ratio")).toArray();
            int n = ratios.length;
            double[] interval = PairedHits.geometricInterval(ratios);
            double ratio = interval[0];
            double low = interval[1];
            double high = interval[2];
            Score score = new Score(ratio, Math.max(ratio - low, high - ratio), "×");
            double[] halfWidths = forks.stream().mapToDouble(f ->
                    (cell(header, f, "high") - cell(header, f, "low")) / 2 / cell(header, f, "ratio")).toArray();
            String shown = n < 2 ? "no interval: one fork" : String.format("%.2f-%.2f%s", low, high,
                    score.relativeError() > QUOTABLE ? ", error > 10%" : "");
            System.out.printf("| %s | %d × %s | %.2f (%s) | %.2f-%.2f | ± %.0f%% (median) | %s | %s | %s |%n",
                    e.getKey(), n, forks.get(0).get(header.indexOf("pairs")), ratio, shown,
                    Arrays.stream(ratios).min().orElse(Double.NaN), Arrays.stream(ratios).max().orElse(Double.NaN),
                    100 * spread(halfWidths, "").value(), range(header, forks, "sluice"), range(header, forks, "caffeine"),
                    n < 2 ? "undecided (one fork)" : verdict(score, 0.8, true));
        }
    }

    private static double cell(List<String> header, List<String> cells, String column) {
        return Double.parseDouble(cells.get(header.indexOf(column)));
    }

    /** A cache's per-slice throughput over all forks: lowest, median of the forks' medians, highest. */
    private static String range(List<String> header, List<List<String>> forks, String peer) {
        double min = forks.stream().mapToDouble(f -> cell(header, f, peer + "Min")).min().orElse(Double.NaN);
        double max = forks.stream().mapToDouble(f -> cell(header, f, peer + "Max")).max().orElse(Double.NaN);
        Score median = spread(forks.stream().mapToDouble(f -> cell(header, f, peer + "Median")).toArray(), "");
        return String.format("%s / %s / %s ops/us", number(min), number(median.value()), number(max));
    }

    /** Eviction cost at the largest capacity over the smallest: flat means at most 1.5. */
    private static void flatness(List<Row> rows) {
        System.out.println("\n## Eviction cost from 1k to 1M entries: cost at 1M / cost at 1k, at most 1.5\n");
        System.out.println("| peer | at 1k | at 1M | 1M / 1k | goal |");
        System.out.println("|---|---|---|---|---|");
        for (Row small : select(rows, r -> r.benchmark().startsWith("EvictionBenchmark") && "1000".equals(r.params().get("capacity")))) {
            Row large = find(rows, r -> r.benchmark().equals(small.benchmark()) && r.peer().equals(small.peer())
                    && r.threads() == small.threads() && "1000000".equals(r.params().get("capacity")));
            if (large != null) {
                Score growth = quotient(large.score(), small.score(), "");
                System.out.printf("| %s | %s | %s | %s | %s |%n", small.peer(), small.score().show(), large.score().show(),
                        showRatio(growth), small.peer().equals("sluice") ? verdict(growth, 1.5, false) : "-");
            }
        }
    }

    /** Bytes per entry at 1M entries; the ratio is peer / sluice (above 1: sluice is smaller). */
    private static void memory(Path file) throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        Map<String, List<Double>> byPeer = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(file);
        for (String line : lines.subList(1, lines.size())) {
            List<String> cells = split(line);
            byPeer.computeIfAbsent(cells.get(0), p -> new ArrayList<>()).add(Double.parseDouble(cells.get(2)));
        }
        System.out.println("\n## Memory: heap bytes per entry at 1M entries (median of runs, ± half their range)\n");
        System.out.println("| peer | bytes per entry | peer / sluice |");
        System.out.println("|---|---|---|");
        Score sluice = spread(byPeer.get("sluice").stream().mapToDouble(d -> d).toArray(), "B");
        for (Map.Entry<String, List<Double>> e : byPeer.entrySet()) {
            Score s = spread(e.getValue().stream().mapToDouble(d -> d).toArray(), "B");
            System.out.printf("| %s | %s | %s |%n", e.getKey(), s.show(),
                    e.getKey().equals("sluice") ? "-" : showRatio(quotient(s, sluice, "")));
        }
    }

    /** Every row, grouped by workload, with sluice's ratio to each peer. */
    private static void table(List<Row> rows) {
        Map<String, List<Row>> groups = new TreeMap<>();
        rows.forEach(r -> groups.computeIfAbsent(r.workload(), g -> new ArrayList<>()).add(r));
        System.out.println("| workload | peer | score ± error | sluice vs peer |");
        System.out.println("|---|---|---|---|");
        for (List<Row> group : groups.values()) {
            Row sluice = find(group, r -> r.peer().equals("sluice"));
            for (Row r : group) {
                String ratio = sluice == null || r == sluice ? "-" : showRatio(ratio(sluice, r));
                System.out.printf("| %s | %s | %s | %s |%n", r.workload(), r.peer(), r.score().show(), ratio);
            }
        }
    }

    /** A row measured by more than one step (a rerun with more iterations): keep the larger sample. */
    private static List<Row> keepLargestSamples(List<Row> rows) {
        Map<String, Row> kept = new LinkedHashMap<>();
        for (Row r : rows) {
            kept.merge(r.workload() + " " + r.peer(), r, (a, b) -> b.samples() > a.samples() ? b : a);
        }
        return new ArrayList<>(kept.values());
    }

    /** sluice against a peer, oriented so that above 1 means sluice is better. */
    static Score ratio(Row sluice, Row peer) {
        return sluice.higherIsBetter() ? quotient(sluice.score(), peer.score(), "×") : quotient(peer.score(), sluice.score(), "×");
    }

    static Score quotient(Score a, Score b, String unit) {
        double value = a.value() / b.value();
        return new Score(value, value * Math.hypot(a.relativeError(), b.relativeError()), unit);
    }

    /** The median, and half the range as its error. */
    static Score spread(double[] values, String unit) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return new Score(median, (sorted[n - 1] - sorted[0]) / 2, unit);
    }

    /** Met or missed only if the whole interval is on one side of the goal; else undecided. */
    static String verdict(Score ratio, double goal, boolean atLeast) {
        double low = ratio.value() - ratio.error();
        double high = ratio.value() + ratio.error();
        boolean met = atLeast ? low >= goal : high <= goal;
        boolean missed = atLeast ? high < goal : low > goal;
        String verdict = met ? "met" : missed ? "missed" : "undecided";
        String flag = ratio.relativeError() > QUOTABLE ? ", ratio error > 10%" : "";
        return verdict + " (" + (atLeast ? "≥ " : "≤ ") + goal + flag + ")";
    }

    static String showRatio(Score ratio) {
        return String.format("%.2f ± %.2f%s", ratio.value(), ratio.error(), ratio.unit().isEmpty() ? "" : ratio.unit());
    }

    static String number(double x) {
        double size = Math.abs(x);
        return Double.isNaN(x) ? "NaN" : size >= 1000 ? String.format("%.0f", x) : size >= 10 ? String.format("%.1f", x)
                : size >= 1 ? String.format("%.2f", x) : String.format("%.3f", x);
    }

    static Row peerOf(List<Row> rows, Row like, String peer) {
        return find(rows, r -> r.workload().equals(like.workload()) && r.peer().equals(peer));
    }

    static Row find(List<Row> rows, Predicate<Row> test) {
        return rows.stream().filter(test).findFirst().orElse(null);
    }

    static List<Row> select(List<Row> rows, Predicate<Row> test) {
        return rows.stream().filter(test).collect(Collectors.toList());
    }

    private static List<Row> read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        List<Row> rows = new ArrayList<>();
        if (lines.isEmpty()) {
            return rows; // a run still in progress, or one that failed before writing
        }
        List<String> header = split(lines.get(0));
        for (String line : lines.subList(1, lines.size())) {
            List<String> cells = split(line);
            Map<String, String> params = new LinkedHashMap<>();
            for (int i = 0; i < header.size(); i++) {
                if (header.get(i).startsWith("Param: ")) {
                    params.put(header.get(i).substring("Param: ".length()), cells.get(i));
                }
            }
            String benchmark = cells.get(header.indexOf("Benchmark"));
            rows.add(new Row(benchmark.substring(benchmark.indexOf(".bench.") + ".bench.".length()),
                    cells.get(header.indexOf("Mode")), Integer.parseInt(cells.get(header.indexOf("Threads"))),
                    Integer.parseInt(cells.get(header.indexOf("Samples"))),
                    new Score(Double.parseDouble(cells.get(header.indexOf("Score"))),
                            parseOrNaN(cells.get(header.indexOf("Score Error (99.9%)"))), cells.get(header.indexOf("Unit"))),
                    params));
        }
        return rows;
    }

    private static double parseOrNaN(String cell) {
        try {
            return Double.parseDouble(cell);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    static List<String> split(String line) {
        List<String> cells = new ArrayList<>();
        for (String cell : line.split(",", -1)) {
            cells.add(cell.replace("\"", ""));
        }
        return cells;
    }
}
