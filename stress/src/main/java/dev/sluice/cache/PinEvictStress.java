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
 * SPEC I-PIN-RESIDENT: a pin taken while its entry is being evicted holds a resident entry with
 * the latest value: either eviction skipped it (pinned first), or the write-back finished before
 * the pin reloaded it. Result: (pin saw the latest value, entry resident while pinned).
 */
@JCStressTest
@Description("Pin vs eviction: a pin never holds an evicted entry or a stale value.")
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "pinned a resident entry holding the latest value")
@Outcome(id = "0, .*", expect = FORBIDDEN, desc = "stale: the pin reloaded the backend's copy before the write-back")
@Outcome(id = ".*, 0", expect = FORBIDDEN, desc = "orphaned: the pinned entry was evicted")
@State
public class PinEvictStress {
    final CacheFixture f = new CacheFixture();
    int latest;
    Pin<String> pin;

    @Actor
    public void pinner() {
        try {
            pin = f.cache.pin(1);
            latest = pin.value().equals("latest") ? 1 : 0;
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
        f.cache.cleanUp(); // any eviction still due runs now; the pin must hold
        r.r1 = latest;
        r.r2 = f.cache.isResident(1) ? 1 : 0;
    }
}
