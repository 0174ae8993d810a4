package dev.sluice.stress;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs jcstress and refuses to let it pass silently: jcstress exits 0 when nothing ran (a regex
 * typo, a test with more actors than CPUs), so this fails unless every test in the jar's
 * {@code META-INF/TestList} produced a result, and on any failed or errored test.
 *
 * <p>Usage: {@code StressRunner <reduced|quick|default> <test regexp>}, from the module's
 * {@code target/} directory with {@code jcstress.jar} on the class path. Writes the HTML report to
 * {@code target/jcstress-results/} and a one-line-per-test summary with the observed counts of
 * every interesting or forbidden outcome to {@code target/jcstress-summary.txt}.
 */
public final class StressRunner {
    /** In its closing report jcstress prints ".... [OK] name" (or FAILED, ERROR) for each test. */
    private static final Pattern VERDICT = Pattern.compile("\\[(OK|FAILED|ERROR)\\]\\s+(\\S+)\\s*$");
    /** ...followed by its table, across all configurations: "  1, 0, 0   24,158   0.03%  Interesting  desc". */
    private static final Pattern ROW = Pattern.compile(
            "^\\s+(.+?)\\s+([\\d,]+)\\s+[\\d.]+%\\s+(Acceptable|Forbidden|Interesting|Unknown)\\b");

    public static void main(String[] args) throws IOException, InterruptedException {
        String mode = args.length > 0 ? args[0] : "reduced";
        String regexp = args.length > 1 ? args[1] : ".*";
        List<String> expected = expectedTests(regexp);
        if (expected.isEmpty()) {
            fail("no jcstress test matches '" + regexp + "': was the annotation processor run? (JDK 23+ needs -proc:full)");
        }

        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.openjdk.jcstress.Main",
                "-t", regexp, "-r", "jcstress-results", "-c", "2", "-v"));
        switch (mode) {
            case "reduced":
                // One JVM configuration (no flag probing), one fork, a few short iterations: about
                // 10 s a test on 2 cores. Enough to see the seed's StoreLoad strand; not a proof.
                command.addAll(List.of("-jvmArgs", "-Xmx256m -XX:+UseParallelGC", "-f", "1",
                        "-sc", "false", "-iters", "3", "-time", "700"));
                break;
            case "quick":
            case "default":
                command.addAll(List.of("-m", mode));
                break;
            default:
                fail("unknown mode " + mode + " (reduced, quick or default)");
        }
        System.out.println("StressRunner: " + expected.size() + " tests, mode " + mode + ": " + String.join(" ", command));

        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        Map<String, TestResult> results = new LinkedHashMap<>();
        TestResult current = null;
        StringBuilder output = new StringBuilder();
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null; ) {
                System.out.println(line);
                output.append(line).append('\n');
                Matcher m = VERDICT.matcher(line);
                if (m.find()) {
                    current = new TestResult(m.group(1));
                    results.put(m.group(2), current);
                    continue;
                }
                Matcher row = ROW.matcher(line);
                if (current != null && row.find()) {
                    current.add(row.group(1), Long.parseLong(row.group(2).replace(",", "")), row.group(3));
                }
            }
        }
        int exit = process.waitFor();
        Files.writeString(Path.of("jcstress-output.txt"), output);

        List<String> problems = new ArrayList<>();
        List<String> summary = new ArrayList<>();
        for (String test : expected) {
            TestResult result = results.get(test);
            if (result == null || result.samples() == 0) {
                problems.add("no result for " + test);
                continue;
            }
            if (!result.verdict.equals("OK")) {
                problems.add(result.verdict + " " + test);
            }
            summary.add(result.verdict + " " + test + ": " + result);
        }
        if (exit != 0) {
            problems.add("jcstress exited " + exit);
        }
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(Path.of("jcstress-summary.txt")))) {
            summary.forEach(out::println);
        }
        System.out.println();
        System.out.println("StressRunner summary (target/jcstress-summary.txt; report: target/jcstress-results/index.html):");
        summary.forEach(s -> System.out.println("  " + s));
        if (!problems.isEmpty()) {
            fail(problems.size() + " problem(s): " + problems);
        }
        System.out.println("StressRunner: " + expected.size() + " tests, all with results, none failed");
    }

    /** One test's verdict and its rows: outcome, samples, expectation. */
    private static final class TestResult {
        final String verdict;
        final List<String> notable = new ArrayList<>();
        long samples;

        TestResult(String verdict) {
            this.verdict = verdict;
        }

        void add(String outcome, long count, String expect) {
            samples += count;
            if (!expect.equals("Acceptable")) {
                notable.add("[" + outcome + "] " + expect + " " + count);
            }
        }

        long samples() {
            return samples;
        }

        @Override
        public String toString() {
            return samples + " samples" + (notable.isEmpty() ? "" : "; " + String.join("; ", notable));
        }
    }

    private static List<String> expectedTests(String regexp) throws IOException {
        Pattern pattern = Pattern.compile(regexp);
        List<String> tests = new ArrayList<>();
        try (InputStream in = StressRunner.class.getResourceAsStream("/META-INF/TestList")) {
            if (in == null) {
                return tests;
            }
            // Each line is "JCTEST" then length-prefixed fields ("40Sdev.sluice..."); the first is the name.
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                Matcher m = Pattern.compile("^JCTEST(\\d+)S").matcher(line);
                if (m.find()) {
                    String name = line.substring(m.end(), m.end() + Integer.parseInt(m.group(1)));
                    if (pattern.matcher(name).find()) {
                        tests.add(name);
                    }
                }
            }
        }
        return tests;
    }

    private static void fail(String message) {
        System.err.println("StressRunner: FAILED: " + message);
        System.exit(1);
    }
}
