package dev.sluice.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Runs TLC on every configuration in {@code spec/tla} and holds it to its expected verdict: the
 * reference configurations must pass every invariant (exit 0), and each seed-bug configuration
 * must be rejected (exit 12) with the invariant it breaks named in TLC's report, or (exit 11)
 * with a deadlock. {@code WriteBack.tla} runs with TLC's deadlock check on (it has a terminal
 * "all done" step, so only real deadlocks are reported); the older models run with it off. A TLC
 * that fails to parse or finds nothing to explore (exit 0 with no states) fails the test too.
 */
class TlcModelTest {
    private static final Path TLA = Path.of(System.getProperty("sluice.tla.dir", "tla"));
    private static final boolean THOROUGH = Boolean.getBoolean("sluice.thorough");

    @ParameterizedTest(name = "{0}.tla with {1}.cfg: expect {2}")
    @CsvSource({
        // module, config,            expected verdict (PASS or the invariant TLC must report)
        "Drain,  Drain,               PASS",
        "Drain,  DrainSeedEntry,      NoStrandedWrite",
        "Drain,  DrainSeedIdleArm,    PASS",
        "Deps,   Deps,                PASS",
        "Deps,   DepsDirectOnly,      DAG",
        "Deps,   DepsBlindConsume,    DepOrder",
        "WriteBack, WriteBack,                   PASS",
        "WriteBack, WriteBackThreeCalls,         PASS",
        "WriteBack, WriteBackCaptureFirst,       DepOrder",
        "WriteBack, WriteBackBlindConsume,       DepOrder",
        "WriteBack, WriteBackClaimWhileFlushing, DEADLOCK",
        "Drain,  DrainLarge,          PASS-THOROUGH",
        "Deps,   DepsLarge,           PASS-THOROUGH",
    })
    void tlcGivesTheExpectedVerdict(String module, String config, String expected) throws Exception {
        if (expected.equals("PASS-THOROUGH")) {
            Assumptions.assumeTrue(THOROUGH, "the larger configurations run in ./gate --thorough");
            expected = "PASS";
        }
        Path metadir = Files.createTempDirectory("tlc-" + config);
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseParallelGC", "-cp", System.getProperty("java.class.path"), "tlc2.TLC",
                "-config", config + ".cfg", "-workers", "1", "-metadir", metadir.toString()));
        if (!module.equals("WriteBack")) {
            command.add("-deadlock"); // TLC's flag turns the deadlock check off
        }
        command.add(module + ".tla");
        // Output to a file, not a pipe read to its end: a TLC that never ends must fail this test
        // in bounded time (and be killed), not block it until the fork's limit.
        Path report = metadir.resolve("tlc-output.txt");
        Process tlc = new ProcessBuilder(command).directory(TLA.toFile()).redirectErrorStream(true)
                .redirectOutput(report.toFile()).start();
        long limit = THOROUGH ? 1800 : 200;
        boolean finished = tlc.waitFor(limit, TimeUnit.SECONDS);
        if (!finished) {
            tlc.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        String output = Files.readString(report, StandardCharsets.UTF_8);
        assertTrue(finished, "§9 TLC: " + module + ".tla with " + config + ".cfg did not finish in " + limit
                + " s (killed); its last output:\n" + tail(output));
        int exit = tlc.exitValue();
        String statesLine = lastMatch(output, "(\\d+) distinct states found");
        System.out.printf("TLC %s.tla %s.cfg: exit %d, %s distinct states%n", module, config, exit, statesLine);
        Files.writeString(Path.of("target", "tlc-" + config + ".out"), output);

        if (expected.equals("PASS")) {
            assertEquals(0, exit, "§9 TLC: TLC must pass " + config + "; its report:\n" + tail(output));
            assertTrue(output.contains("Model checking completed. No error has been found."), "§9 TLC: the run must complete: " + tail(output));
            assertTrue(statesLine != null && Long.parseLong(statesLine) > 100, "§9 TLC: TLC explored almost nothing");
        } else if (expected.equals("DEADLOCK")) {
            assertEquals(11, exit, "§9 TLC: TLC must find a deadlock in " + config + " (exit 11); its report:\n" + tail(output));
            assertTrue(output.contains("Deadlock reached"), "§9 TLC: " + tail(output));
        } else {
            assertEquals(12, exit, "§9 TLC: TLC must reject " + config + " (exit 12); its report:\n" + tail(output));
            assertTrue(output.contains("Invariant " + expected + " is violated"),
                    "§9 TLC: TLC rejected " + config + " but not for " + expected + ":\n" + tail(output));
        }
    }

    private static String lastMatch(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        String last = null;
        while (m.find()) {
            last = m.group(1);
        }
        return last;
    }

    private static String tail(String text) {
        return text.length() <= 4000 ? text : "..." + text.substring(text.length() - 4000);
    }

    static {
        try {
            Files.createDirectories(Path.of("target"));
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
