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
 * Teaching ladder, Message passing (data, then flag) with opaque accesses.
 * <p>x86 here: opaque forbids the JIT from removing or merging accesses, not from reordering different variables; TSO hides the rest.
 * <p>ARM and POWER: opaque orders nothing across variables: (1, 0) is allowed and seen.
 */
@JCStressTest
@Description("Message passing (data, then flag), opaque accesses")
@Outcome(id = {"0, 0", "0, 1", "1, 1"}, expect = ACCEPTABLE, desc = "the flag not yet seen, or seen with the data")
@Outcome(id = "1, 0", expect = ACCEPTABLE_INTERESTING, desc = "the flag seen but not the data written before it")
@State
public class MessagePassingOpaqueStress {
    private static final VarHandle FLAG;
    private static final VarHandle DATA;

    static {
        try {
            FLAG = MethodHandles.lookup().findVarHandle(MessagePassingOpaqueStress.class, "flag", int.class);
            DATA = MethodHandles.lookup().findVarHandle(MessagePassingOpaqueStress.class, "data", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    int data;
    int flag;

    @Actor
    public void writer() {
        DATA.setOpaque(this, 1);
        FLAG.setOpaque(this, 1);
    }

    @Actor
    public void reader(II_Result r) {
        r.r1 = (int) FLAG.getOpaque(this);
        r.r2 = (int) DATA.getOpaque(this);
    }
}
