package dev.sluice.drain;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * SPEC I-NO-STRANDED-WRITE against the reference's volatile maintenance entry. A drain is
 * scheduled and already marked PROCESSING_TO_REQUIRED; actor 2 runs it while actor 1 writes.
 * Result: (write still buffered, final status, drains scheduled).
 */
@JCStressTest
@Description("Writer vs maintenance, reference ordering: a write is never left buffered at IDLE with nothing scheduled.")
@Outcome(id = "1, 0, 0", expect = FORBIDDEN, desc = "stranded: write buffered, IDLE, no drain scheduled")
@Outcome(id = "0, 0, 0", expect = ACCEPTABLE, desc = "the running drain took the write and settled at IDLE")
@Outcome(id = {"0, 2, 1", "1, 2, 1"}, expect = ACCEPTABLE, desc = "the writer marked the drain (or found it idle): a new drain is scheduled")
@State
public class WriterMaintenanceStress {
    final Fixtures f = new Fixtures(DrainStatus::new, DrainStatus.PROCESSING_TO_REQUIRED);

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
