package dev.sluice.drain;

import java.util.concurrent.Executor;

/**
 * The seed's maintenance entry, kept for the stress tests and never used by the cache: a release
 * store of PROCESSING_TO_IDLE, which lets the drain's later loads pass it (StoreLoad). Deviation
 * (b) in {@link DrainStatus} explains the stranded write this admits; WriterMaintenanceStress
 * records how often this machine shows it.
 */
public final class SeedEntryStoreDrainStatus extends DrainStatus {
    public SeedEntryStoreDrainStatus(Executor executor, Work work) {
        super(executor, work);
    }

    @Override
    protected void enterMaintenance() {
        setStatusRelease(PROCESSING_TO_IDLE);
    }
}
