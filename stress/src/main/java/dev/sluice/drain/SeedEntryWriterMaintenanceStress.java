package dev.sluice.drain;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * SPEC I-NO-STRANDED-WRITE with the seed's release store at maintenance entry (SeedEntryStoreDrainStatus), which admits the stranded write: x86 reorders the store after the drain's load of the buffer. A drain is
 * scheduled and already marked PROCESSING_TO_REQUIRED; actor 2 runs it while actor 1 writes.
 * Result: (write still buffered, final status, drains scheduled).
 */
@JCStressTest
@Description("Writer vs maintenance, seed ordering (release entry store): the stranded outcome is allowed and counted.")
@Outcome(id = "1, 0, 0", expect = ACCEPTABLE_INTERESTING, desc = "the seed's bug, StoreLoad: stranded: write buffered, IDLE, no drain scheduled")
@Outcome(id = "0, 0, 0", expect = ACCEPTABLE, desc = "the running drain took the write and settled at IDLE")
@Outcome(id = {"0, 2, 1", "1, 2, 1"}, expect = ACCEPTABLE, desc = "the writer marked the drain (or found it idle): a new drain is scheduled")
@State
public class SeedEntryWriterMaintenanceStress {
    final Fixtures f = new Fixtures(SeedEntryStoreDrainStatus::new, DrainStatus.PROCESSING_TO_REQUIRED);

    @Actor
    public void writer() {
        f.write();
    }

    @Actor
    public void maintenance() {
        f.machine.cleanUp();
    }

    @Arbiter
    public void observe(III_Result r) {
        r.r1 = f.stranded();
        r.r2 = f.machine.status();
        r.r3 = f.scheduled.get();
    }
}
