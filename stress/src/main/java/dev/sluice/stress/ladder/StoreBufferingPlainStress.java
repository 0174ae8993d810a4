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
 * Teaching ladder, Store buffering (store mine, load yours) with plain accesses.
 * <p>x86 here: (0, 0) is common: each store waits in its core's store buffer while the later load reads memory.
 * <p>ARM and POWER: (0, 0) is common too.
 */
@JCStressTest
@Description("Store buffering (store mine, load yours), plain accesses")
@Outcome(id = {"0, 1", "1, 0", "1, 1"}, expect = ACCEPTABLE, desc = "at least one thread saw the other's store")
@Outcome(id = "0, 0", expect = ACCEPTABLE_INTERESTING, desc = "each load passed its own thread's earlier store")
@State
public class StoreBufferingPlainStress {
    private static final VarHandle X;
    private static final VarHandle Y;

    static {
        try {
            X = MethodHandles.lookup().findVarHandle(StoreBufferingPlainStress.class, "x", int.class);
            Y = MethodHandles.lookup().findVarHandle(StoreBufferingPlainStress.class, "y", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    int x;
    int y;

    @Actor
    public void first(II_Result r) {
        X.set(this, 1);
        r.r1 = (int) Y.get(this);
    }

    @Actor
    public void second(II_Result r) {
        Y.set(this, 1);
        r.r2 = (int) X.get(this);
    }
}
