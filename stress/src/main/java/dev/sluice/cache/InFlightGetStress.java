package dev.sluice.cache;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.io.IOException;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * SPEC I-NO-STALE-READ: a get racing with the eviction of a dirty entry (write-back in flight,
 * then removal) returns the latest value: from the entry while it is resident, from the backend
 * only after the write-back completed. Result: (get saw the latest, backend holds the latest).
 */
@JCStressTest
@Description("In-flight write-back vs get: never the stale backend copy.")
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "the latest value, and it reached the backend")
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "the latest value; the read made 1 recent, so 2 was evicted instead")
@Outcome(id = "0, .*", expect = FORBIDDEN, desc = "stale: the get loaded the backend's copy before the write-back finished")
@State
public class InFlightGetStress {
    final CacheFixture f = new CacheFixture();
    int latest;

    @Actor
    public void reader() {
        try {
            latest = f.cache.get(1).equals("latest") ? 1 : 0;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Actor
    public void evictor() {
        f.cache.cleanUp();
    }

    @Arbiter
    public void observe(II_Result r) {
        r.r1 = latest;
        r.r2 = "latest".equals(f.stored.get(1)) ? 1 : 0;
    }
}
