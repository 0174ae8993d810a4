package dev.sluice.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
        long limit = THOROUGH ? 1800 : 200;
        // WriteBack.tla has a terminal "all done" step, so TLC's deadlock check stays on for it.
        Tlc.Result tlc = Tlc.run(TLA, module, config, module.equals("WriteBack"), limit);
        String output = tlc.output();
        assertTrue(tlc.finished(), "§9 TLC: " + module + ".tla with " + config + ".cfg did not finish in " + limit
                + " s (killed); its last output:\n" + tail(output));
        int exit = tlc.exit();
        String statesLine = tlc.lastMatch("(\\d+) distinct states found");
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
