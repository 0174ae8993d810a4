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
 * Write-buffer publication: a write offered concurrently with a drain is taken whole by that
 * drain or by the next one, never lost (SPEC I-NO-STRANDED-WRITE relies on it).
 * Result: (value taken by the racing drain, or -1; writes taken by both drains together).
 */
@JCStressTest
@Description("Write buffer: a write offered during a drain is never lost, duplicated or seen half-published.")
@Outcome(id = {"-1, 1", "42, 1"}, expect = ACCEPTABLE, desc = "taken once, whole")
@Outcome(id = "0, .*", expect = FORBIDDEN, desc = "half-published")
@Outcome(id = ".*, 0", expect = FORBIDDEN, desc = "lost")
@State
public class WriteBufferStress {
    final WriteBuffer<Item> buffer = new WriteBuffer<>(4);
    int seenByDrain = -1;
    int seenTotal;

    @Actor
    public void producer() {
        buffer.offer(new Item(42));
    }

    @Actor
    public void drain() {
        for (Item item; (item = buffer.poll()) != null; ) {
            seenByDrain = item.value;
            seenTotal++;
        }
    }

    @Arbiter
    public void observe(II_Result r) {
        while (buffer.poll() != null) {
            seenTotal++;
        }
        r.r1 = seenByDrain;
        r.r2 = seenTotal;
    }
}
