package dev.sluice.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Replays every conformance trace in {@code spec/traces} against the reference (PORTING.md):
 * each step's output must be what the trace expects, so the traces cannot drift from the code a
 * port is judged against. {@code -Dsluice.traces.rewrite=true} writes the actual outputs into the
 * files instead, for review in the diff ({@code git diff spec/traces}).
 */
class TraceReplayTest {
    static final Path TRACES = Path.of(System.getProperty("sluice.traces.dir", "traces"));
    private static final boolean REWRITE = Boolean.getBoolean("sluice.traces.rewrite");
    private static final Duration LIMIT = Duration.ofSeconds(10);

    private static final AtomicInteger STEPS = new AtomicInteger();
    private static final AtomicInteger REPLAYED = new AtomicInteger();

    @AfterAll
    static void printTheCount() {
        System.out.println("conformance traces: " + REPLAYED + " traces, " + STEPS + " steps replayed"
                + (REWRITE ? " (rewritten)" : ""));
    }

    @TestFactory
    Stream<DynamicTest> everyTraceReplays() throws IOException {
        return traceFiles().stream().map(path -> DynamicTest.dynamicTest(path.getFileName().toString(),
                () -> assertTimeoutPreemptively(LIMIT, () -> replay(Trace.read(path)),
                        () -> "§11 conformance trace " + path.getFileName() + " did not finish in " + LIMIT.toSeconds()
                                + " s: a hang (a step that never returns)")));
    }

    static List<Path> traceFiles() throws IOException {
        try (Stream<Path> files = Files.list(TRACES)) {
            return files.filter(p -> p.toString().endsWith(".trace")).sorted().toList();
        }
    }

    private static void replay(Trace trace) throws Exception {
        TraceWorld world = new TraceWorld();
        List<List<String>> outputs = new ArrayList<>();
        String name = trace.path.getFileName().toString();
        for (Trace.Step step : trace.steps) {
            List<String> actual = world.step(step.command());
            outputs.add(actual);
            if (!REWRITE && !Trace.matches(step.expected(), actual)) {
                fail("§11 conformance trace " + name + ":" + step.line() + ": `" + step.command() + "`\n"
                        + "expected:\n  " + String.join("\n  ", step.expected()) + "\nactual:\n  "
                        + String.join("\n  ", actual) + "\n(replay: mvn -B -o test -pl impl,model,spec"
                        + " -Dtest=TraceReplayTest; accept a reviewed change: add -Dsluice.traces.rewrite=true)");
            }
        }
        assertEquals(List.of(), world.unjoined(), "harness: " + name + " ends with threads it never joined");
        STEPS.addAndGet(trace.steps.size());
        REPLAYED.incrementAndGet();
        if (REWRITE) {
            Files.writeString(trace.path, trace.render(outputs), StandardCharsets.UTF_8);
        }
    }

    // ---- coverage: what PORTING.md promises the traces cover ----

    static final List<String> COMMANDS = List.of("cache", "machine", "get", "put", "update", "pin", "pin-value",
            "pin-set", "pin-update", "unpin", "flush", "evict-all", "invalidate", "depend-on", "clean-up",
            "run-task", "store", "fail-next-write", "fail-writes", "fail-loads", "heal", "block", "await-blocked",
            "open", "fail-hash", "spawn", "join", "write", "read", "read-full", "assist", "next-drain", "force");
    static final List<String> ERRORS = List.of("CacheFull", "EntriesPinned[", "Io{", "Error{", "SelfDependency",
            "IllegalArgument(capacity)", "IllegalArgument(drainBatch)", "IllegalArgument(readBufferCapacity)",
            "IllegalArgument(writeBufferCapacity)", "NullArgument(key)",
            "NullArgument(value)", "NullResult(update)", "FunctionFailed", "PinClosed", "NoTaskQueued");
    static final List<String> EXECUTORS = List.of("caller-runs", "queueing", "rejecting", "dropping");

    @Test
    void theTracesCoverEveryCommandErrorCodeExecutorAndInvariant() throws IOException {
        String all = String.join("\n", traceFiles().stream().map(TraceReplayTest::text).toList());
        Set<String> commandsUsed = new TreeSet<>();
        Matcher commandLine = Pattern.compile("(?m)^(spawn \\S+ )?([a-z-]+)(?=.*\\n----)").matcher(all);
        while (commandLine.find()) {
            commandsUsed.add(commandLine.group(2));
            if (commandLine.group(1) != null) {
                commandsUsed.add("spawn");
            }
        }
        List<String> missing = new ArrayList<>();
        COMMANDS.stream().filter(c -> !commandsUsed.contains(c)).forEach(c -> missing.add("command " + c));
        ERRORS.stream().filter(e -> !all.contains("error " + e)).forEach(e -> missing.add("error " + e));
        EXECUTORS.stream().filter(e -> !all.contains("executor=" + e)).forEach(e -> missing.add("executor " + e));
        Matcher invariant = Pattern.compile("\\*\\*(I-[A-Z-]+)\\.\\*\\*").matcher(text(Path.of("SPEC.md")));
        int invariants = 0;
        while (invariant.find()) {
            invariants++;
            if (!Pattern.compile("(?m)^# .*invariants:.*\\b" + invariant.group(1) + "\\b").matcher(all).find()) {
                missing.add("invariant " + invariant.group(1));
            }
        }
        assertTrue(invariants >= 10, "harness: SPEC §5 defines the invariants (found " + invariants + ")");
        assertTrue(traceFiles().size() >= 60, "§11 conformance: at least 60 traces, found " + traceFiles().size());
        assertEquals(List.of(), missing, "§11 conformance: the traces in spec/traces must cover these");
    }

    private static String text(Path path) {
        try {
            return Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError("harness: cannot read " + path, e);
        }
    }
}
