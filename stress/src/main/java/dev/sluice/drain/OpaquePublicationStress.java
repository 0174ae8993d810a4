package dev.sluice.drain;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * DrainPublicationStress with the release store weakened to opaque (the seeded bug "the
 * PROCESSING_TO_IDLE release weakened to opaque"): the stale-data outcome becomes allowed. x86
 * keeps stores in order, so only the JIT can show it here; ARM and POWER may show it in hardware.
 */
@JCStressTest
@Description("Weakened: an opaque store of PROCESSING_TO_IDLE publishes nothing.")
@Outcome(id = {"0, 0", "0, 42", "2, 42"}, expect = ACCEPTABLE, desc = "not yet scheduled, or scheduled and published")
@Outcome(id = "2, 0", expect = ACCEPTABLE_INTERESTING, desc = "saw PROCESSING_TO_IDLE but not the data: opaque does not order")
@State
public class OpaquePublicationStress {
    final Fixtures f = new Fixtures(DrainStatus::new, DrainStatus.IDLE);
    int data;

    @Actor
    public void scheduler() {
        data = 42;
        f.machine.setStatusOpaque(DrainStatus.PROCESSING_TO_IDLE);
    }

    @Actor
    public void observer(II_Result r) {
        r.r1 = f.machine.statusAcquire();
        r.r2 = data;
    }
}
