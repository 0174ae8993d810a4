package dev.sluice.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns JMH's CSV results into the tables of bench/README.md: each peer's score with JMH's 99.9%
 * error, and sluice's ratio to it. Throughput: higher is better, so a ratio above 1 means sluice
 * is faster. Average time: lower is better, so the ratio is inverted (peer time / sluice time)
 * and again above 1 means sluice is faster.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.sluice.bench.Report results.csv [more.csv ...]}
 */
public final class Report {
    private Report() {}

    record Row(String benchmark, String mode, int threads, double score, double error, String unit,
               String capacity, String peer) {
        String group() {
            return benchmark.substring(benchmark.lastIndexOf('.', benchmark.lastIndexOf('.') - 1) + 1)
                    + (capacity.isEmpty() ? "" : " capacity " + capacity) + ", " + threads + " thread"
                    + (threads == 1 ? "" : "s");
        }
    }

    public static void main(String[] args) throws IOException {
        List<Row> rows = new ArrayList<>();
        for (String file : args) {
            List<String> lines = Files.readAllLines(Path.of(file));
            List<String> header = split(lines.get(0));
            for (String line : lines.subList(1, lines.size())) {
                List<String> cells = split(line);
                rows.add(new Row(cells.get(header.indexOf("Benchmark")), cells.get(header.indexOf("Mode")),
                        Integer.parseInt(cells.get(header.indexOf("Threads"))),
                        Double.parseDouble(cells.get(header.indexOf("Score"))),
                        parseOrNaN(cells.get(header.indexOf("Score Error (99.9%)"))),
                        cells.get(header.indexOf("Unit")),
                        header.contains("Param: capacity") ? cells.get(header.indexOf("Param: capacity")) : "",
                        cells.get(header.indexOf("Param: peer"))));
            }
        }
        Map<String, List<Row>> groups = new LinkedHashMap<>();
        rows.forEach(r -> groups.computeIfAbsent(r.group(), g -> new ArrayList<>()).add(r));
        System.out.println("| workload | peer | score ± error | sluice vs peer |");
        System.out.println("|---|---|---|---|");
        for (Map.Entry<String, List<Row>> group : groups.entrySet()) {
            Row sluice = group.getValue().stream().filter(r -> r.peer().equals("sluice")).findFirst().orElse(null);
            for (Row r : group.getValue()) {
                String ratio = "-";
                if (sluice != null && !r.peer().equals("sluice")) {
                    double x = r.mode().equals("thrpt") ? sluice.score() / r.score() : r.score() / sluice.score();
                    ratio = String.format("%.2f×", x);
                }
                System.out.printf("| %s | %s | %.3f ± %.3f %s | %s |%n",
                        group.getKey(), r.peer(), r.score(), r.error(), r.unit(), ratio);
            }
        }
    }

    private static double parseOrNaN(String cell) {
        try {
            return Double.parseDouble(cell);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static List<String> split(String line) {
        List<String> cells = new ArrayList<>();
        for (String cell : line.split(",", -1)) {
            cells.add(cell.replace("\"", ""));
        }
        return cells;
    }
}
