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
 * SPEC §7 row 11, the store-buffering pair between a writer and a drainer that is leaving. The
 * drain starts at PROCESSING_TO_IDLE with nothing buffered, so it exits to IDLE by CAS; a writer
 * that then reads IDLE CASes REQUIRED and tries the lock. If its tryLock fails against the
 * exiting holder, only the holder's re-check after its unlock (a volatile load in finish) can
 * schedule the write. Result: (write still buffered, final status, drains scheduled).
 */
@JCStressTest
@Description("Writer vs an exiting drainer: a REQUIRED set while the holder unlocks is never left with nothing scheduled.")
@Outcome(id = {"1, 0, 0", "1, 1, 0"}, expect = FORBIDDEN, desc = "stranded: write buffered, nothing scheduled")
@Outcome(id = "0, 0, 0", expect = ACCEPTABLE, desc = "the drain took the write and settled at IDLE")
@Outcome(id = {"0, 2, 1", "1, 2, 1"}, expect = ACCEPTABLE, desc = "a drain was scheduled for the write")
@Outcome(id = "0, 0, 1", expect = ACCEPTABLE, desc = "a drain was scheduled, and the cleanUp took the write first")
@State
public class WriterExitStress {
    final Fixtures f = new Fixtures(DrainStatus::new, DrainStatus.PROCESSING_TO_IDLE);

    @Actor
    public void writer() {
        f.write();
    }

    @Actor
    public void drainer() {
        f.machine.cleanUp();
    }

    @Arbiter
    public void observe(III_Result r) {
        r.r1 = f.stranded();
        r.r2 = f.machine.status();
        r.r3 = f.scheduled.get();
    }
}
