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
 * ReadBufferStress on PlainSlotReadBuffer (the seeded bug "a ring slot published with a plain store"). Read-buffer ring publication: a read offered while the drain runs is seen whole or not at all
 * by that drain, and the next drain (the arbiter) finds it if the first did not.
 * Result: (value seen by the racing drain, or -1; reads seen by both drains together).
 */
@JCStressTest
@Description("Weakened read buffer (plain slot store): half-publication is allowed; x86 keeps stores in order, so only the JIT can show it.")
@Outcome(id = {"-1, 1", "42, 1"}, expect = ACCEPTABLE, desc = "seen once, whole, by one of the drains")
@Outcome(id = "0, .*", expect = ACCEPTABLE_INTERESTING, desc = "allowed by the plain store: half-published: the slot was seen before the item's field")
@Outcome(id = ".*, 0", expect = FORBIDDEN, desc = "stranded: no drain ever saw the read")
@State
public class PlainSlotReadBufferStress {
    final ReadBuffer<Item> buffer = new PlainSlotReadBuffer<>(4);
    int seenByDrain = -1;
    int seenTotal;

    @Actor
    public void producer() {
        buffer.offer(new Item(42));
    }

    @Actor
    public void drain() {
        buffer.drainTo(item -> {
            seenByDrain = item.value;
            seenTotal++;
        }, 4);
    }

    @Arbiter
    public void observe(II_Result r) {
        buffer.drainTo(item -> seenTotal++, 4);
        r.r1 = seenByDrain;
        r.r2 = seenTotal;
    }
}
