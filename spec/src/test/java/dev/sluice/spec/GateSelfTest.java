package dev.sluice.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gate's verdicts are its product, so they are tested like code: each case fakes the output of
 * one kind of build (a tree of Surefire reports, a Maven log shaped like a real one, a jcstress
 * summary) and runs {@code gate --table-from} on it, checking the rows and the exit status. The
 * log excerpts are copied from real runs (the timeout case from a build with
 * {@code -Dsluice.forkTimeoutSeconds=25}).
 */
class GateSelfTest {
    private static final Path GATE = Path.of("..", "gate").toAbsolutePath().normalize();

    @TempDir Path tree;
    private final StringBuilder log = new StringBuilder();
    private final List<String> reactor = new ArrayList<>();

    @Test
    void aGreenBuildPassesEveryRow() throws Exception {
        everyCheckerPasses();
        Result r = gate();
        assertEquals(0, r.exit, "a green build must exit 0:\n" + r.out);
        for (String row : new String[] {"unit", "lincheck", "schedules", "properties", "soak", "client", "TLC", "traces", "trace-tla", "fray", "self-test", "jcstress"}) {
            assertEquals("PASS", r.verdict(row), "row " + row + ":\n" + r.out);
        }
        assertTrue(r.out.contains("2 configs, 0.3M states, 1 seed bugs rejected"), "TLC's counts:\n" + r.out);
        assertTrue(r.row("traces").contains("74 traces, 1100 steps") && r.row("trace-tla").contains("40 runs, 2900 events"), r.out);
        assertTrue(r.row("schedules").contains("420 schedules") && r.row("fray").contains("4000 schedules"),
                "the schedule counts:\n" + r.out);
        String report = Files.readString(tree.resolve("target/gate/report.md"));
        assertTrue(report.contains("| lincheck | PASS |") && report.contains("lincheck 3.7"),
                "report.md holds the table and the checker versions:\n" + report);
        assertTrue(report.contains("- soak: seed 7"), "report.md lists the seeds:\n" + report);
    }

    /** Without a JDK 25 there is no Fray: its row says so, and the rest of the verdict stands. */
    @Test
    void withoutAJdk25TheFrayRowIsSkippedAndSaysWhy() throws Exception {
        everyCheckerPasses();
        log.replace(log.indexOf("fray-jdk: "), log.indexOf("\n", log.indexOf("fray-jdk: ")) + 1, "");
        Files.delete(dir("stress").resolve("TEST-dev.sluice.fray.CacheFrayTest.xml"));
        Result r = gate();
        assertEquals("SKIPPED", r.verdict("fray"), r.out);
        assertTrue(r.row("fray").contains("no JDK 25"), r.out);
        assertEquals(0, r.exit, "a build without Fray is still green if everything that ran passed:\n" + r.out);
    }

    @Test
    void anAssertionFailureFailsItsRowAndShowsItsMessageNotTheLogTail() throws Exception {
        module("impl", "FAILURE");
        report("impl", "dev.sluice.cache.CacheBasicsTest", 11, 1, 0);
        Files.writeString(dir("impl").resolve("dev.sluice.cache.CacheBasicsTest.txt"),
                "Test set: dev.sluice.cache.CacheBasicsTest\n"
                + "pinnedEntriesAreNeverEvicted  Time elapsed: 0.01 s  <<< FAILURE!\n"
                + "org.opentest4j.AssertionFailedError: I-PIN-RESIDENT: key 3 is pinned but was evicted\n"
                + "\tat dev.sluice.cache.CacheBasicsTest.pinnedEntriesAreNeverEvicted(CacheBasicsTest.java:40)\n");
        modulesNotBuilt("model", "spec", "stress");
        line("lincheck rejected a broken variant, as expected; I-NO-LOST-DIRTY violated (decoy)");
        fail("impl", "There are test failures.");
        Result r = gate();
        assertEquals(1, r.exit, r.out);
        assertEquals("FAIL", r.verdict("unit"), r.out);
        assertEquals("SKIPPED", r.verdict("lincheck"), r.out);
        assertEquals("SKIPPED", r.verdict("jcstress"), r.out);
        assertTrue(r.row("properties").contains("sluice-spec was not built: an earlier module failed"), r.out);
        String failed = r.out.substring(r.out.indexOf("gate: what failed"));
        assertTrue(failed.contains("impl/target/surefire-reports/dev.sluice.cache.CacheBasicsTest.txt"), failed);
        assertTrue(failed.contains("I-PIN-RESIDENT: key 3 is pinned but was evicted"), failed);
        assertFalse(failed.contains("decoy"), "an expected violation in the log is not the failure:\n" + failed);
    }

    @Test
    void aForkKilledAtItsTimeLimitSaysTimeoutAndNamesTheTest() throws Exception {
        module("impl", "SUCCESS");
        report("impl", "dev.sluice.cache.CacheBasicsTest", 11, 0, 0);
        section("model");
        line("[INFO] Running dev.sluice.cache.CacheLincheckTest");
        line("[INFO] Tests run: 3, Failures: 0, Errors: 0, Skipped: 0, Time elapsed: 25.05 s -- in dev.sluice.cache.CacheLincheckTest");
        line("[INFO] Running dev.sluice.cache.TwoCacheLincheckTest");
        report("model", "dev.sluice.cache.CacheLincheckTest", 3, 0, 0);
        Files.writeString(dir("model").resolve("2026-12-01T10-07-48_242-jvmRun1.dump"),
                "# Created at 2026-12-01T10:08:27.066\nThread dump for process (12590@vm):\n\"main\" \n"
                + "   java.lang.Thread.State: TIMED_WAITING\n"
                + "        at app//org.jetbrains.kotlinx.lincheck.LinChecker.check(LinChecker.kt:54)\n"
                + "        at app//dev.sluice.cache.TwoCacheLincheckTest.stress(TwoCacheLincheckTest.java:170)\n"
                + "\"Lincheck-TwoCacheLincheckTest-1\" \n"
                + "        at app//dev.sluice.cache.Dependencies.addIfTargetIsSink(Dependencies.java:50)\n");
        reactor.add("sluice model: sequential models and lincheck linearizability checks FAILURE [01:24 min]");
        modulesNotBuilt("spec", "stress");
        fail("model", "There was a timeout in the fork");
        Result r = gate();
        assertEquals(1, r.exit, r.out);
        assertEquals("PASS", r.verdict("unit"), r.out);
        assertEquals("TIMEOUT", r.verdict("lincheck"), r.out);
        assertTrue(r.row("lincheck").contains("dev.sluice.cache.TwoCacheLincheckTest.stress"), r.out);
        assertEquals("SKIPPED", r.verdict("TLC"), r.out);
    }

    @Test
    void aTestStoppedByTheWatchdogSaysTimeoutAndNamesIt() throws Exception {
        everyCheckerPasses();
        report("model", "dev.sluice.drain.DrainLincheckTest", 4, 0, 1);
        Files.writeString(dir("model").resolve("dev.sluice.drain.DrainLincheckTest.txt"),
                "Test set: dev.sluice.drain.DrainLincheckTest\n"
                + "stress  Time elapsed: 240.1 s  <<< ERROR!\n"
                + "java.util.concurrent.TimeoutException: stress() timed out after 240 seconds\n");
        fail("model", "There are test failures.");
        Result r = gate();
        assertEquals("TIMEOUT", r.verdict("lincheck"), r.out);
        assertTrue(r.row("lincheck").contains("dev.sluice.drain.DrainLincheckTest.stress() timed out after 240 seconds"), r.out);
        assertEquals(1, r.exit, r.out);
    }

    @Test
    void aForkThatDiedMidClassFailsItsRow() throws Exception {
        everyCheckerPasses();
        section("spec");
        line("[INFO] Running dev.sluice.cache.FaultSoakTest");
        Result r = gate();
        assertEquals("FAIL", r.verdict("soak"), r.out);
        assertTrue(r.row("soak").contains("started but never finished: dev.sluice.cache.FaultSoakTest"), r.out);
        assertEquals(1, r.exit, r.out);
    }

    @Test
    void aModuleThatRanNoTestsSaysNoTestsAndFails() throws Exception {
        everyCheckerPasses();
        Files.delete(dir("spec").resolve("TEST-dev.sluice.spec.TlcModelTest.xml"));
        Result r = gate();
        assertEquals("NO TESTS", r.verdict("TLC"), r.out);
        assertEquals(1, r.exit, "a checker that reports nothing fails the gate:\n" + r.out);
    }

    @Test
    void reportsLeftByAnEarlierRunAreNotCounted() throws Exception {
        everyCheckerPasses();
        Path stale = dir("model").resolve("TEST-dev.sluice.cache.CacheLincheckTest.xml");
        Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minusSeconds(7200)));
        Files.delete(dir("model").resolve("TEST-dev.sluice.drain.DrainLincheckTest.xml"));
        Result r = gate();
        assertEquals("NO TESTS", r.verdict("lincheck"), r.out);
        assertEquals(1, r.exit, r.out);
    }

    @Test
    void quickModeSkipsTheOtherCheckersOnPurposeAndPasses() throws Exception {
        module("impl", "SUCCESS");
        report("impl", "dev.sluice.cache.CacheBasicsTest", 11, 0, 0);
        line("[INFO] BUILD SUCCESS");
        Result r = gate("--quick");
        assertEquals("PASS", r.verdict("unit"), r.out);
        assertEquals("SKIPPED", r.verdict("lincheck"), r.out);
        assertTrue(r.row("jcstress").contains("--quick runs the unit tests only"), r.out);
        assertEquals(0, r.exit, "--quick skips on purpose:\n" + r.out);
    }

    // --- building a fake build tree ---

    private void everyCheckerPasses() throws IOException {
        module("impl", "SUCCESS");
        report("impl", "dev.sluice.cache.CacheBasicsTest", 11, 0, 0);
        module("model", "SUCCESS");
        line("lincheck budget: stress 15 x 1000 = 15000 invocations");
        report("model", "dev.sluice.cache.CacheLincheckTest", 3, 0, 0);
        report("model", "dev.sluice.drain.DrainLincheckTest", 4, 0, 0);
        line("drain schedules: two writers, one write each: 420 schedules, all with at most 2 preemptions, 330 ms");
        report("model", "dev.sluice.drain.DrainSchedulesTest", 5, 0, 0);
        module("spec", "SUCCESS");
        line("dagProperty: seed 11, 200 examples (replay: -DQT_SEED=11)");
        line("soak: seed 7, 10000 sequences, 240000 operations, 60216 faults injected, all recovered");
        line("toy image (one thread, default): seed 7, 20 rounds, 300 disk writes checked at every prefix");
        line("TLC Drain/Drain: exit 0, 253097 distinct states");
        line("TLC Deps/DepsDirectOnly: exit 12, 530 distinct states");
        report("spec", "dev.sluice.spec.CycleProperties", 2, 0, 0);
        report("spec", "dev.sluice.cache.FaultSoakTest", 1, 0, 0);
        report("spec", "dev.sluice.example.ToyImageCrashTest", 4, 0, 0);
        report("spec", "dev.sluice.spec.TlcModelTest", 2, 0, 0);
        line("conformance traces: 74 traces, 1100 steps replayed");
        report("spec", "dev.sluice.cache.TraceReplayTest", 75, 0, 0);
        line("trace validation: 40 recorded runs, 2900 events, each a behaviour of Drain.tla");
        report("spec", "dev.sluice.drain.TraceValidationTest", 3, 0, 0);
        report("spec", "dev.sluice.spec.GateSelfTest", 7, 0, 0);
        module("stress", "SUCCESS");
        line("fray-jdk: the instrumented JDK in stress/target/fray/java is up to date");
        report("stress", "dev.sluice.fray.CacheFrayTest", 4, 0, 0);
        Files.writeString(dir("stress").resolve("dev.sluice.fray.CacheFrayTest-output.txt"),
                "Run finished. Total iter: 1000, Elapsed time: 391ms\n".repeat(4));
        Files.writeString(tree.resolve("stress/target/jcstress-summary.txt"),
                "OK dev.sluice.drain.WriterExitStress: 23005222 samples; [1, 0, 0] Forbidden 0\n");
        line("[INFO] BUILD SUCCESS");
    }

    private Path dir(String module) throws IOException {
        return Files.createDirectories(tree.resolve(module + "/target/surefire-reports"));
    }

    private void section(String module) {
        line("[INFO] --- maven-surefire-plugin:3.2.5:test (default-test) @ sluice-" + module + " ---");
    }

    private void module(String module, String result) throws IOException {
        dir(module);
        section(module);
        reactor.add("sluice " + module + ": a module " + result + " [ 1.0 s]");
    }

    private void modulesNotBuilt(String... modules) {
        for (String m : modules) {
            reactor.add("sluice " + m + ": a module SKIPPED");
        }
    }

    private void fail(String module, String why) {
        line("[INFO] BUILD FAILURE");
        line("[ERROR] Failed to execute goal org.apache.maven.plugins:maven-surefire-plugin:3.2.5:test (default-test) on project sluice-"
                + module + ": " + why + " -> [Help 1]");
        line("[ERROR] ");
        line("[ERROR] Re-run Maven using the -X switch to enable full debug logging.");
    }

    private void line(String text) {
        log.append(text).append('\n');
    }

    private void report(String module, String testClass, int tests, int failures, int errors) throws IOException {
        section(module);
        line("[INFO] Running " + testClass);
        line("[INFO] Tests run: " + tests + ", Failures: " + failures + ", Errors: " + errors
                + ", Skipped: 0, Time elapsed: 1.5 s -- in " + testClass);
        Files.writeString(dir(module).resolve("TEST-" + testClass + ".xml"),
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"" + testClass + "\" time=\"1.5\" tests=\""
                + tests + "\" errors=\"" + errors + "\" skipped=\"0\" failures=\"" + failures + "\">\n</testsuite>\n");
    }

    private Result gate(String... options) throws Exception {
        Path out = Files.createDirectories(tree.resolve("target/gate"));
        Path marker = out.resolve("started");
        Files.writeString(marker, "");
        Files.setLastModifiedTime(marker, FileTime.from(Instant.now().minusSeconds(3600)));
        StringBuilder full = new StringBuilder(log);
        full.append("[INFO] Reactor Summary for sluice impl 0.1.0-SNAPSHOT:\n");
        reactor.forEach(r -> full.append("[INFO] ").append(r).append('\n'));
        Files.writeString(out.resolve("mvn.log"), full);
        Files.writeString(out.resolve("mvn.status"), full.indexOf("BUILD FAILURE") >= 0 ? "1\n" : "0\n");
        Files.copy(Path.of("..", "pom.xml"), tree.resolve("pom.xml"));
        Files.createDirectories(tree.resolve("model"));
        Files.copy(Path.of("..", "model", "pom.xml"), tree.resolve("model/pom.xml"));
        List<String> command = new ArrayList<>(List.of("bash", GATE.toString()));
        command.addAll(List.of(options));
        command.addAll(List.of("--table-from", tree.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "gate --table-from did not finish in 60 s:\n" + text);
        return new Result(p.exitValue(), text);
    }

    private static final class Result {
        final int exit;
        final String out;

        Result(int exit, String out) {
            this.exit = exit;
            this.out = out;
        }

        String row(String checker) {
            Matcher m = Pattern.compile("(?m)^" + Pattern.quote(checker) + " .*$").matcher(out);
            assertTrue(m.find(), "the table has no row for " + checker + ":\n" + out);
            return m.group();
        }

        String verdict(String checker) {
            String rest = row(checker).substring(checker.length()).trim();
            return rest.startsWith("NO TESTS") ? "NO TESTS" : rest.split("\\s+")[0];
        }
    }
}
