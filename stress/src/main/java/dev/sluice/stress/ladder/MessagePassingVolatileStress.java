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
 * Teaching ladder, Message passing (data, then flag) with volatile accesses.
 * <p>x86 here: forbidden and never seen.
 * <p>ARM and POWER: forbidden, as for release/acquire; volatile adds a total order that message passing does not need.
 */
@JCStressTest
@Description("Message passing (data, then flag), volatile accesses")
@Outcome(id = {"0, 0", "0, 1", "1, 1"}, expect = ACCEPTABLE, desc = "the flag not yet seen, or seen with the data")
@Outcome(id = "1, 0", expect = FORBIDDEN, desc = "the flag seen but not the data written before it")
@State
public class MessagePassingVolatileStress {
    private static final VarHandle FLAG;
    private static final VarHandle DATA;

    static {
        try {
            FLAG = MethodHandles.lookup().findVarHandle(MessagePassingVolatileStress.class, "flag", int.class);
            DATA = MethodHandles.lookup().findVarHandle(MessagePassingVolatileStress.class, "data", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    int data;
    int flag;

    @Actor
    public void writer() {
        DATA.setVolatile(this, 1);
        FLAG.setVolatile(this, 1);
    }

    @Actor
    public void reader(II_Result r) {
        r.r1 = (int) FLAG.getVolatile(this);
        r.r2 = (int) DATA.getVolatile(this);
    }
}
