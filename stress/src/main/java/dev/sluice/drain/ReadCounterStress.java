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
 * Slot reuse across a lap: the ring (capacity 2) starts full; the drain empties it while a
 * producer offers into the slot being freed. The release store of the read counter orders the
 * drain's clearing of the slot before the producer's reuse of it.
 * Result: (the offer was added, the next drain found it).
 */
@JCStressTest
@Description("Read buffer lap: a read offered into a slot the drain just freed is not erased by the drain's clearing store.")
@Outcome(id = {"0, 0", "1, 1"}, expect = ACCEPTABLE, desc = "refused as full, or added and found")
@Outcome(id = "1, 0", expect = FORBIDDEN, desc = "erased: the drain's late null overwrote the new read")
@State
public class ReadCounterStress {
    final ReadBuffer<Item> buffer = new ReadBuffer<>(2);
    int added;

    public ReadCounterStress() {
        buffer.offer(new Item(1));
        buffer.offer(new Item(2));
    }

    @Actor
    public void producer() {
        added = buffer.offer(new Item(42)) == ReadBuffer.Offer.ADDED ? 1 : 0;
    }

    @Actor
    public void drain() {
        buffer.drainTo(item -> { }, 2);
    }

    @Arbiter
    public void observe(II_Result r) {
        int[] found = {0};
        buffer.drainTo(item -> found[0] += item.value == 42 ? 1 : 0, 2);
        r.r1 = added;
        r.r2 = found[0];
    }
}
