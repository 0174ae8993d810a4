package dev.sluice.model;

import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.StressOptions;

/**
 * The lincheck budgets, in one place. lincheck's defaults ran past 15 minutes for one test on
 * these machines, so every test sets iterations and invocations explicitly. The thorough profile
 * ({@code ./gate --thorough}) sets {@code -Dsluice.lincheck.scale=10}: ten times the iterations.
 */
public final class Budget {
    public static final int SCALE = Integer.getInteger("sluice.lincheck.scale", 1);

    private Budget() {}

    /** The gate sums these lines; a check that fails early runs fewer. */
    private static void report(String mode, int iterations, int invocations) {
        System.out.printf("lincheck budget: %s %d x %d = %d invocations%n",
                mode, iterations * SCALE, invocations, iterations * SCALE * invocations);
    }

    public static ModelCheckingOptions modelChecking(int iterations, int invocations) {
        report("model checking", iterations, invocations);
        return new ModelCheckingOptions()
                .iterations(iterations * SCALE)
                .invocationsPerIteration(invocations)
                .threads(2)
                .actorsPerThread(2)
                .actorsBefore(2)
                .actorsAfter(1);
    }

    /**
     * Model checking with no operation after the parallel part: for checks whose validation a
     * trailing operation could repair (a cleanUp drains a stranded write before it is seen).
     */
    public static ModelCheckingOptions modelCheckingUnrepaired(int iterations, int invocations) {
        return modelChecking(iterations, invocations).actorsBefore(1).actorsAfter(0);
    }

    /**
     * Keeps the report of a failure a test expected (a broken variant lincheck must reject) in
     * {@code target/expected-failures/}, so a green run does not print hundreds of lines of a
     * violation that is the point of the test; the test still asserts on the report.
     */
    public static void recordExpectedFailure(Class<?> test, String report) {
        try {
            java.nio.file.Path dir = java.nio.file.Path.of("target", "expected-failures");
            java.nio.file.Files.createDirectories(dir);
            java.nio.file.Path file = dir.resolve(test.getSimpleName() + ".txt");
            java.nio.file.Files.writeString(file, report);
            System.out.println("lincheck rejected a broken variant, as expected; its report: " + file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public static StressOptions stress(int iterations, int invocations) {
        report("stress", iterations, invocations);
        return new StressOptions()
                .iterations(iterations * SCALE)
                .invocationsPerIteration(invocations)
                .threads(2)
                .actorsPerThread(3)
                .actorsBefore(2)
                .actorsAfter(1);
    }
}
