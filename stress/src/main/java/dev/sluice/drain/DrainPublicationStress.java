package dev.sluice.drain;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Publication through the drain status: scheduleDrainBuffers() stores PROCESSING_TO_IDLE with
 * release, so a plain write made before scheduling is visible to a thread that reads
 * PROCESSING_TO_IDLE with acquire. Result: (status seen, data seen).
 */
@JCStressTest
@Description("Data written before the release store of PROCESSING_TO_IDLE is seen by an acquire reader of that state.")
@Outcome(id = {"0, 0", "0, 42", "2, 42"}, expect = ACCEPTABLE, desc = "not yet scheduled, or scheduled and published")
@Outcome(id = "2, 0", expect = FORBIDDEN, desc = "saw PROCESSING_TO_IDLE but not the data written before it")
@State
public class DrainPublicationStress {
    final Fixtures f = new Fixtures(DrainStatus::new, DrainStatus.IDLE);
    int data;

    @Actor
    public void scheduler() {
        data = 42;
        f.machine.scheduleDrainBuffers();
    }

    @Actor
    public void observer(II_Result r) {
        r.r1 = f.machine.statusAcquire();
        r.r2 = data;
    }
}
