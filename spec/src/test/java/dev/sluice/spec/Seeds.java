package dev.sluice.spec;

import org.quicktheories.QuickTheory;

/**
 * Every property runs from a fixed default seed, printed before it runs, so a failure in CI
 * replays exactly: {@code mvn -pl spec test -Dtest=... -DQT_SEED=N}. QuickTheories also prints
 * the seed and the shrunk counterexample when a property fails.
 */
final class Seeds {
    static final long DEFAULT = 20261121L;

    private Seeds() {}

    static QuickTheory qt(String property, int examples) {
        long seed = Long.getLong("QT_SEED", DEFAULT);
        int scaled = Boolean.getBoolean("sluice.thorough") ? examples * 10 : examples;
        System.out.println(property + ": seed " + seed + ", " + scaled + " examples (replay: -DQT_SEED=" + seed + ")");
        return QuickTheory.qt().withFixedSeed(seed).withExamples(scaled);
    }
}
