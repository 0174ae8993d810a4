package dev.sluice.drain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.spec.Tlc;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Trace validation: runs of the real {@link DrainStatus}, recorded by {@link DrainRecorder}
 * during real concurrent runs, must each be a behaviour of {@code Drain.tla}; TLC follows each
 * log through {@code TraceDrain.tla} (SPEC §9). It is shown failing on seeded bugs: an exit whose
 * CAS is a check-then-store (M03's bug, seeded here by overriding the CAS), and the logs recorded
 * from the real patches of M02 and M03 under {@code spec/tla/recorded/}. The logs of every run
 * are kept in {@code target/trace-validation/}; the seed that paced them is printed.
 */
class TraceValidationTest {
    private static final Path TLA = Path.of(System.getProperty("sluice.tla.dir", "tla"));
    private static final Path OUT = Path.of("target", "trace-validation");
    private static final long SEED = Long.getLong("sluice.seed", System.nanoTime());
    private static final int RUNS = Integer.getInteger("sluice.tv.runs", 100);
    /** The IDLE arm's, the writer arm's and the exit's failed CAS, as the recorder logs them. */
    private static final List<String> FAILED_CAS = List.of("cas 0 1 false", "cas 2 3 false", "cas 2 0 false");

    /** TLC's verdict on a set of logs: null if it followed every one to its end, else the rejected event. */
    record Verdict(String rejected, int events, String report) { }

    @Test
    void recordedRunsOfTheReferenceAreBehavioursOfDrainTla() throws Exception {
        System.out.println("trace validation: seed " + SEED + " (replay: -Dsluice.seed=" + SEED + ")");
        // Until the runs have taken every CAS failure path (the steps where the bugs of this class
        // live; the exit's fails in about one run in forty here), at least RUNS, at most 20 x RUNS.
        List<List<String>> logs = new ArrayList<>();
        int[] failedCas = new int[FAILED_CAS.size()];
        while (logs.size() < RUNS || (Arrays.stream(failedCas).anyMatch(n -> n == 0) && logs.size() < 20 * RUNS)) {
            DrainRecorder recorder = new DrainRecorder(SEED + logs.size());
            List<String> log = recorder.run(recorder.new Recorded());
            for (int c = 0; c < failedCas.length; c++) {
                String path = FAILED_CAS.get(c);
                failedCas[c] += (int) log.stream().filter(e -> e.endsWith(path)).count();
            }
            logs.add(log);
        }
        String paths = FAILED_CAS + " taken " + Arrays.toString(failedCas) + " times";
        assertTrue(Arrays.stream(failedCas).allMatch(n -> n > 0), "§9 trace validation: in " + logs.size()
                + " recorded runs the CAS failure paths " + paths + ": a path never taken is never validated");
        Verdict verdict = check("reference", logs);
        assertEquals(null, verdict.rejected(), "I-NO-STRANDED-WRITE, §9 trace validation: a recorded run of the"
                + " reference is not a behaviour of Drain.tla (seed " + SEED + ", logs in " + OUT + "):\n" + verdict.report());
        System.out.printf("trace validation: %d recorded runs, %d events, each a behaviour of Drain.tla; CAS failure"
                + " paths %s%n", logs.size(), verdict.events(), paths);
    }

    @Test
    void anExitWhoseCasIsACheckThenStoreIsRejected() throws Exception {
        List<List<String>> logs = new ArrayList<>();
        for (int run = 0; run < 5; run++) {
            DrainRecorder recorder = new DrainRecorder(SEED + run);
            logs.add(recorder.run(recorder.new Recorded() {
                @Override
                protected boolean casStatus(int expect, int update) {
                    if (expect != PROCESSING_TO_IDLE || update != IDLE) {
                        return super.casStatus(expect, update);
                    }
                    setStatusOpaque(IDLE); // M03: the exit read PROCESSING_TO_IDLE and stores over a writer's mark
                    return true;
                }
            }));
        }
        Verdict verdict = check("seeded-exit-store", logs);
        assertTrue(verdict.rejected() != null && verdict.rejected().matches("(executor|cleaner) store 0"),
                "§9 trace validation: the exit by check-then-store must be rejected at its store of IDLE, where"
                        + " Drain.tla's exit makes a CAS; TLC's verdict: " + verdict.rejected() + "\n" + verdict.report());
    }

    @Test
    void theRecordedRunsOfTwoSeededBugsAreRejectedAtTheirBadStep() throws Exception {
        // Recorded from the real patches (mutants/M02, M03) by this test's first case; the rejected
        // event is the access the bug makes where Drain.tla makes another.
        assertRejectedAt("M02-no-recheck-under-lock.log", "store 2", "after a successful tryLock, a publish"
                + " without the re-check Drain.tla makes under the lock");
        assertRejectedAt("M03-exit-by-plain-store.log", "store 0", "the exit's plain store of IDLE where"
                + " Drain.tla's exit makes a CAS");
    }

    private static void assertRejectedAt(String file, String access, String why) throws Exception {
        List<String> log = Files.readAllLines(TLA.resolve("recorded").resolve(file), StandardCharsets.UTF_8);
        Verdict verdict = check(file.replace(".log", ""), List.of(log));
        assertTrue(verdict.rejected() != null && verdict.rejected().endsWith(" " + access), "§9 trace validation: "
                + file + " must be rejected at " + why + " (an event '" + access + "'); TLC's verdict: "
                + verdict.rejected() + "\n" + verdict.report());
    }

    /** Writes the logs as DrainTraceLogs.tla beside copies of the modules and runs TLC on them. */
    static Verdict check(String name, List<List<String>> logs) throws IOException, InterruptedException {
        Path dir = Files.createDirectories(OUT.resolve(name));
        for (String file : List.of("Drain.tla", "TraceDrain.tla", "TraceDrain.cfg")) {
            Files.copy(TLA.resolve(file), dir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        for (int n = 0; n < logs.size(); n++) {
            Files.write(dir.resolve("run-" + (n + 1) + ".log"), logs.get(n), StandardCharsets.UTF_8);
        }
        Files.writeString(dir.resolve("DrainTraceLogs.tla"), module(logs), StandardCharsets.UTF_8);
        Tlc.Result tlc = Tlc.run(dir, "TraceDrain", "TraceDrain", true, 200);
        int events = logs.stream().mapToInt(List::size).sum();
        String where = "TLC's report: " + dir.resolve("tlc.out") + "\n" + tlc.tail();
        Files.writeString(dir.resolve("tlc.out"), tlc.output(), StandardCharsets.UTF_8);
        assertTrue(tlc.finished(), "§9 trace validation: TLC did not finish in 200 s; " + where);
        if (tlc.exit() == 0) {
            assertTrue(tlc.output().contains("No error has been found"), "§9 trace validation: " + where);
            return new Verdict(null, events, where);
        }
        String invariant = tlc.lastMatch("Invariant (\\w+) is violated");
        assertTrue(tlc.output().contains("Deadlock reached") || invariant != null, "§9 trace validation: TLC failed"
                + " other than by rejecting a log or finding an invariant broken along it (a parse error?); " + where);
        int k = Integer.parseInt(tlc.lastMatch("/\\\\ k = (\\d+)"));
        int i = Integer.parseInt(tlc.lastMatch("/\\\\ i = (\\d+)"));
        if (invariant != null) { // the model followed the log into a state that breaks an invariant
            return new Verdict("invariant " + invariant, events, "log " + dir.resolve("run-" + k + ".log")
                    + " breaks " + invariant + " after its first " + i + " events" + (invariant.equals("EndsQuiescent")
                    ? " (the run ended with work the model says is still owed)" : "") + "; " + where);
        }
        String rejected = logs.get(k - 1).get(i);
        String process = rejected.substring(0, rejected.indexOf(' '));
        String at = tlc.lastMatch("pc = \\[[^\\]]*" + process + " \\|-> \"(\\w+)\"");
        return new Verdict(rejected, events, "log " + dir.resolve("run-" + k + ".log") + " rejected at event " + (i + 1)
                + " `" + rejected + "`: after the first " + i + " events " + process + " is at Drain.tla's step "
                + at + ", which makes another access; " + where);
    }

    private static final Pattern EVENT = Pattern.compile("(\\S+) (\\S+)(?: (\\S+))?(?: (\\S+))?(?: (\\S+))?");

    /** Logs == << log, ... >>, each event a record [p, op, a, b, ok] (unused fields 0 and FALSE). */
    static String module(List<List<String>> logs) {
        String body = logs.stream().map(log -> log.stream().map(TraceValidationTest::record)
                .collect(Collectors.joining(",\n    ", "<<\n    ", ">>"))).collect(Collectors.joining(",\n  "));
        return "---- MODULE DrainTraceLogs ----\nLogs == <<\n  " + body + "\n  >>\n====\n";
    }

    private static String record(String event) {
        Matcher m = EVENT.matcher(event);
        if (!m.matches()) {
            throw new IllegalArgumentException("not an event: " + event);
        }
        String op = m.group(2);
        String a = "0";
        String b = "0";
        String ok = "FALSE";
        switch (op) {
            case "read", "store", "drain" -> a = m.group(3);
            case "cas" -> { a = m.group(3); b = m.group(4); ok = m.group(5).toUpperCase(); }
            case "trylock", "check" -> ok = m.group(3).toUpperCase();
            default -> { }
        }
        return "[p |-> \"" + m.group(1) + "\", op |-> \"" + op + "\", a |-> " + a + ", b |-> " + b + ", ok |-> " + ok + "]";
    }
}
