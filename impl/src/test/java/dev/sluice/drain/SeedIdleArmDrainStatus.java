package dev.sluice.drain;

import java.util.concurrent.Executor;

/**
 * The seed's IDLE arm, kept for the stress tests and never used by the cache: the result of the
 * IDLE to REQUIRED CAS is ignored and {@link #scheduleDrainBuffers()} is called whatever state the
 * CAS found. Deviation (a) in {@link DrainStatus} says why the reference retries instead;
 * IdleCasStress compares the two.
 */
public final class SeedIdleArmDrainStatus extends DrainStatus {
    public SeedIdleArmDrainStatus(Executor executor, Work work) {
        super(executor, work);
    }

    @Override
    protected boolean fromIdle() {
        casStatus(IDLE, REQUIRED);
        scheduleDrainBuffers();
        return true;
    }
}
