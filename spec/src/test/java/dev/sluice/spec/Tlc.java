package dev.sluice.spec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs TLC (from the test classpath) in its own JVM, killed at a time limit. */
public final class Tlc {
    /** TLC's exit status and report; {@code finished} is false if it was killed at the limit. */
    public record Result(boolean finished, int exit, String output) {
        /** {@return the last number matched by {@code regex}'s first group, or null} */
        public String lastMatch(String regex) {
            Matcher m = Pattern.compile(regex).matcher(output);
            String last = null;
            while (m.find()) {
                last = m.group(1);
            }
            return last;
        }

        /** {@return the end of the report, for a failure message} */
        public String tail() {
            return output.length() <= 4000 ? output : "..." + output.substring(output.length() - 4000);
        }
    }

    private Tlc() { }

    /**
     * @param dir where the module and configuration are
     * @param deadlockCheck whether TLC reports a state without successors (its -deadlock flag turns it off)
     */
    public static Result run(Path dir, String module, String config, boolean deadlockCheck, long limitSeconds)
            throws IOException, InterruptedException {
        Path metadir = Files.createTempDirectory("tlc-" + config);
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseParallelGC", "-cp", System.getProperty("java.class.path"), "tlc2.TLC",
                "-config", config + ".cfg", "-workers", "1", "-metadir", metadir.toString()));
        if (!deadlockCheck) {
            command.add("-deadlock");
        }
        command.add(module + ".tla");
        // Output to a file, not a pipe read to its end: a TLC that never ends must fail the test
        // in bounded time (and be killed), not block it until the fork's limit.
        Path report = metadir.resolve("tlc-output.txt");
        Process tlc = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(report.toFile()).start();
        boolean finished = tlc.waitFor(limitSeconds, TimeUnit.SECONDS);
        if (!finished) {
            tlc.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        String output = Files.readString(report, StandardCharsets.UTF_8);
        return new Result(finished, finished ? tlc.exitValue() : -1, output);
    }
}
