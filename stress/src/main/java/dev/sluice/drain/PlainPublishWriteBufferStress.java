package dev.sluice.drain;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * WriteBufferStress on PlainPublishWriteBuffer. Write-buffer publication: a write offered concurrently with a drain is taken whole by that
 * drain or by the next one, never lost (SPEC I-NO-STRANDED-WRITE relies on it).
 * Result: (value taken by the racing drain, or -1; writes taken by both drains together).
 */
@JCStressTest
@Description("Weakened write buffer (plain publish): half-publication is allowed; x86 keeps stores in order, so only the JIT can show it.")
@Outcome(id = {"-1, 1", "42, 1"}, expect = ACCEPTABLE, desc = "taken once, whole")
@Outcome(id = "0, .*", expect = ACCEPTABLE_INTERESTING, desc = "allowed by the plain publish: half-published")
@Outcome(id = ".*, 0", expect = FORBIDDEN, desc = "lost")
@State
public class PlainPublishWriteBufferStress {
    final WriteBuffer<Item> buffer = new PlainPublishWriteBuffer<>(4);
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
