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
 * The IDLE arm under contention: the machine is IDLE and a maintenance run (a cleanUp) races a
 * writer, so the writer's IDLE to REQUIRED CAS can fail against the drain's entry store. The
 * reference retries and marks the running drain; SeedIdleCasStress runs the same race with the
 * seed's arm and entry store. Result: (write still buffered, final status, drains scheduled).
 */
@JCStressTest
@Description("Writer vs cleanUp from IDLE, reference arm: never stranded.")
@Outcome(id = "1, 0, 0", expect = FORBIDDEN, desc = "stranded: write buffered, IDLE, no drain scheduled")
@Outcome(id = {"0, 0, 0", "0, 2, 1", "1, 2, 1"}, expect = ACCEPTABLE, desc = "drained, or a drain is scheduled")
@Outcome(id = "0, 0, 1", expect = ACCEPTABLE, desc = "the writer scheduled a drain, then cleanUp did the work first: the pending task will find nothing")
@State
public class IdleCasStress {
    final Fixtures f = new Fixtures(DrainStatus::new, DrainStatus.IDLE);

    @Actor
    public void writer() {
        f.write();
    }

    @Actor
    public void cleanUp() {
        f.machine.cleanUp();
    }

    @Arbiter
    public void observe(III_Result r) {
        r.r1 = f.stranded();
        r.r2 = f.machine.status();
        r.r3 = f.scheduled.get();
    }
}
