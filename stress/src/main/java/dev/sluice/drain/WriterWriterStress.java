package dev.sluice.drain;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Two writers on an idle machine: the IDLE arm's CAS, the opaque gate, tryLock and the re-check
 * under the lock together schedule exactly one drain (SPEC I-ONE-DRAINER).
 * Result: (drains scheduled, final status).
 */
@JCStressTest
@Description("Writer vs writer: concurrent scheduleAfterWrite schedules exactly one drain and leaves a legal state.")
@Outcome(id = {"1, 2", "1, 3"}, expect = ACCEPTABLE, desc = "one drain scheduled; the second writer found it pending (and maybe marked it)")
@Outcome(id = "2, .*", expect = FORBIDDEN, desc = "two drains for one batch of work: the re-check under the lock failed")
@Outcome(id = "0, .*", expect = FORBIDDEN, desc = "no drain scheduled: both writes stranded")
@State
public class WriterWriterStress {
    final Fixtures f = new Fixtures(DrainStatus::new, DrainStatus.IDLE);

    @Actor
    public void writer1() {
        f.write();
    }

    @Actor
    public void writer2() {
        f.write();
    }

    @Arbiter
    public void observe(II_Result r) {
        r.r1 = f.scheduled.get();
        r.r2 = f.machine.status();
    }
}
