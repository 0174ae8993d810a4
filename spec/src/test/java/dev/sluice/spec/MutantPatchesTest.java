package dev.sluice.spec;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every seeded bug in {@code mutants/} must still apply to today's tree exactly (no fuzz), or the
 * checker that claims it is no longer being tested against it. {@code mutants/run} refuses stale
 * patches too, but only after minutes of building; this says so in {@code mvn -B verify}.
 */
class MutantPatchesTest {
    @Test
    void everySeededBugStillAppliesWithoutFuzz() throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize();
        List<Path> patches;
        try (Stream<Path> files = Files.list(root.resolve("mutants"))) {
            patches = files.filter(p -> p.toString().endsWith(".patch")).sorted().toList();
        }
        assertTrue(patches.size() >= 30, "harness: found only " + patches.size() + " patches in mutants/");
        List<String> stale = new ArrayList<>();
        for (Path patch : patches) {
            Process p = new ProcessBuilder("patch", "-p1", "--dry-run", "--fuzz=0", "--force", "--silent",
                    "-i", patch.toString()).directory(root.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "harness: patch --dry-run of " + patch + " did not finish");
            if (p.exitValue() != 0) {
                stale.add(patch.getFileName() + ": " + out.strip());
            }
        }
        assertTrue(stale.isEmpty(), "§9 seeded bugs: these patches no longer apply exactly; regenerate each"
                + " (apply with fuzz, then git diff):\n" + String.join("\n", stale));
    }
}
