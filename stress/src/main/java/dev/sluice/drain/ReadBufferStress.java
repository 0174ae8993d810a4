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
 * Read-buffer ring publication: a read offered while the drain runs is seen whole or not at all
 * by that drain, and the next drain (the arbiter) finds it if the first did not.
 * Result: (value seen by the racing drain, or -1; reads seen by both drains together).
 */
@JCStressTest
@Description("Read buffer: an offered read is never stranded, duplicated or seen half-published.")
@Outcome(id = {"-1, 1", "42, 1"}, expect = ACCEPTABLE, desc = "seen once, whole, by one of the drains")
@Outcome(id = "0, .*", expect = FORBIDDEN, desc = "half-published: the slot was seen before the item's field")
@Outcome(id = ".*, 0", expect = FORBIDDEN, desc = "stranded: no drain ever saw the read")
@State
public class ReadBufferStress {
    final ReadBuffer<Item> buffer = new ReadBuffer<>(4);
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
