package dev.sluice.fray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;
import kotlin.Unit;
import org.pastalab.fray.core.observers.TimelineCoverageType;
import org.pastalab.fray.core.randomness.ControlledRandomProvider;
import org.pastalab.fray.core.scheduler.POSScheduler;
import org.pastalab.fray.junit.plain.FrayInTestLauncher;

/**
 * Runs a scenario of real threads many times under Fray's controlled scheduler (partial order
 * sampling): each run, Fray picks which thread takes its next synchronization step (a monitor, a
 * lock, a park, a volatile or atomic access), so rare interleavings are as likely as common
 * ones. A failed assertion in any thread, an uncaught exception or a deadlock (every thread
 * blocked) ends the exploration with that schedule recorded for replay.
 */
final class Explore {
    /** Where Fray writes each failing schedule (set by stress/pom.xml). */
    static final Path REPORTS = Path.of(System.getProperty("fray.workDir", "target/fray/report"));

    private Explore() {}

    /**
     * Explores {@code scenario} {@code runs} times (times {@code -Dsluice.fray.iterations}: 10 in
     * the thorough profile), or with {@code -Dsluice.fray.replay=<recording>} replays the one
     * schedule a failure recorded.
     *
     * @param invariant the SPEC name of what the scenario checks, for the failure message
     */
    static void explore(String invariant, int runs, Runnable scenario) {
        int total = runs * Integer.getInteger("sluice.fray.iterations", 1);
        String replay = System.getProperty("sluice.fray.replay");
        try {
            if (replay != null && !replay.isEmpty()) {
                FrayInTestLauncher.INSTANCE.launchFrayReplay(scenario, replay);
                return;
            }
            FrayInTestLauncher.INSTANCE.launchFray(scenario, new POSScheduler(), new ControlledRandomProvider(),
                    total, TIME_LIMIT_SECONDS, false, TimelineCoverageType.NONE, configuration -> Unit.INSTANCE);
        } catch (Throwable found) {
            String test = StackWalker.getInstance().walk(frames -> frames.skip(1).findFirst())
                    .map(f -> f.getClassName().replaceAll(".*\\.", "") + "#" + f.getMethodName()).orElse("scenario");
            Path kept = keepReport(test.replace('#', '.'));
            String how = replay != null && !replay.isEmpty() ? "the recorded schedule " + replay + " breaks it"
                    : "Fray found a schedule that breaks it within " + total + " runs";
            throw new AssertionError(invariant + ": " + how + ": " + found + ". Every thread's stack is in "
                    + kept.resolve("fray.log") + "; replay this schedule: mvn -B test -pl stress -Dtest=" + test
                    + " -Dsluice.fray.replay=" + kept.resolve("recording"), found);
        }
    }

    /** Copies Fray's report out of the directory the next exploration would overwrite. */
    private static Path keepReport(String scenario) {
        Path kept = REPORTS.resolveSibling("failures").resolve(scenario);
        try (Stream<Path> files = Files.walk(REPORTS)) {
            for (Path from : (Iterable<Path>) files::iterator) {
                Path to = kept.resolve(REPORTS.relativize(from).toString());
                if (Files.isDirectory(from)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            return REPORTS; // the report is still where Fray wrote it, until the next exploration
        }
        return kept;
    }

    /**
     * Fray's own time limit, set beyond JUnit's watchdog (30 s, 300 s thorough: stress/pom.xml) so
     * that it is never what ends an exploration: a slow one fails on the watchdog, naming the test,
     * instead of quietly running fewer schedules than it says.
     */
    static final int TIME_LIMIT_SECONDS = 3_600;

    /** Starts every body on its own thread and joins them all. */
    static void runConcurrently(Runnable... bodies) {
        Thread[] threads = new Thread[bodies.length];
        for (int i = 0; i < bodies.length; i++) {
            threads[i] = new Thread(bodies[i], "fray-" + i);
            threads[i].start();
        }
        for (Thread thread : threads) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("harness: interrupted while joining " + thread.getName(), e);
            }
        }
    }
}
