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

    public static ModelCheckingOptions modelChecking(int iterations, int invocations) {
        return new ModelCheckingOptions()
                .iterations(iterations * SCALE)
                .invocationsPerIteration(invocations)
                .threads(2)
                .actorsPerThread(2)
                .actorsBefore(2)
                .actorsAfter(1);
    }

    public static StressOptions stress(int iterations, int invocations) {
        return new StressOptions()
                .iterations(iterations * SCALE)
                .invocationsPerIteration(invocations)
                .threads(2)
                .actorsPerThread(3)
                .actorsBefore(2)
                .actorsAfter(1);
    }
}
