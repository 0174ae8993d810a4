package dev.sluice.stress.ladder;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Teaching ladder, Message passing (data, then flag) with release/acquire accesses.
 * <p>x86 here: forbidden and never seen.
 * <p>ARM and POWER: forbidden: the release store (stlr) and acquire load (ldar) create the happens-before edge. This is the drain status's publication pattern (DrainPublicationStress).
 */
@JCStressTest
@Description("Message passing (data, then flag), release/acquire accesses")
@Outcome(id = {"0, 0", "0, 1", "1, 1"}, expect = ACCEPTABLE, desc = "the flag not yet seen, or seen with the data")
@Outcome(id = "1, 0", expect = FORBIDDEN, desc = "the flag seen but not the data written before it")
@State
public class MessagePassingReleaseAcquireStress {
    private static final VarHandle FLAG;

    static {
        try {
            FLAG = MethodHandles.lookup().findVarHandle(MessagePassingReleaseAcquireStress.class, "flag", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    int data;
    int flag;

    @Actor
    public void writer() {
        data = 1;
        FLAG.setRelease(this, 1);
    }

    @Actor
    public void reader(II_Result r) {
        r.r1 = (int) FLAG.getAcquire(this);
        r.r2 = data;
    }
}
