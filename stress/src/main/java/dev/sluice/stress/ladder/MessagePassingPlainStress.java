package dev.sluice.stress.ladder;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Teaching ladder, Message passing (data, then flag) with plain accesses.
 * <p>x86 here: TSO keeps stores in order and loads in order, so (1, 0) can come only from the JIT reordering plain accesses.
 * <p>ARM and POWER: the hardware reorders the two stores or the two loads: (1, 0) is common.
 */
@JCStressTest
@Description("Message passing (data, then flag), plain accesses")
@Outcome(id = {"0, 0", "0, 1", "1, 1"}, expect = ACCEPTABLE, desc = "the flag not yet seen, or seen with the data")
@Outcome(id = "1, 0", expect = ACCEPTABLE_INTERESTING, desc = "the flag seen but not the data written before it")
@State
public class MessagePassingPlainStress {
    private static final VarHandle FLAG;
    private static final VarHandle DATA;

    static {
        try {
            FLAG = MethodHandles.lookup().findVarHandle(MessagePassingPlainStress.class, "flag", int.class);
            DATA = MethodHandles.lookup().findVarHandle(MessagePassingPlainStress.class, "data", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    int data;
    int flag;

    @Actor
    public void writer() {
        DATA.set(this, 1);
        FLAG.set(this, 1);
    }

    @Actor
    public void reader(II_Result r) {
        r.r1 = (int) FLAG.get(this);
        r.r2 = (int) DATA.get(this);
    }
}
