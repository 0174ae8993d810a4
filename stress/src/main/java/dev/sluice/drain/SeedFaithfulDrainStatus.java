package dev.sluice.drain;

import java.util.concurrent.Executor;

/**
 * Both of the seed's choices at once: the IDLE arm ignores its CAS result and maintenance enters
 * with a release store. Used by SeedIdleCasStress to show what the seed admits as a whole.
 */
final class SeedFaithfulDrainStatus extends DrainStatus {
    SeedFaithfulDrainStatus(Executor executor, Work work) {
        super(executor, work);
    }

    @Override
    protected boolean fromIdle() {
        casStatus(IDLE, REQUIRED);
        scheduleDrainBuffers();
        return true;
    }

    @Override
    protected void enterMaintenance() {
        setStatusRelease(PROCESSING_TO_IDLE);
    }
}
