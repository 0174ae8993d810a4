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
 * Teaching ladder, Store buffering (store mine, load yours) with volatile accesses.
 * <p>x86 here: forbidden and never seen: the volatile store is followed by a full fence (lock-prefixed instruction).
 * <p>ARM and POWER: forbidden: volatile accesses are sequentially consistent. This is why the reference's maintenance entry is volatile (WriterMaintenanceStress).
 */
@JCStressTest
@Description("Store buffering (store mine, load yours), volatile accesses")
@Outcome(id = {"0, 1", "1, 0", "1, 1"}, expect = ACCEPTABLE, desc = "at least one thread saw the other's store")
@Outcome(id = "0, 0", expect = FORBIDDEN, desc = "each load passed its own thread's earlier store")
@State
public class StoreBufferingVolatileStress {
    private static final VarHandle X;
    private static final VarHandle Y;

    static {
        try {
            X = MethodHandles.lookup().findVarHandle(StoreBufferingVolatileStress.class, "x", int.class);
            Y = MethodHandles.lookup().findVarHandle(StoreBufferingVolatileStress.class, "y", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    int x;
    int y;

    @Actor
    public void first(II_Result r) {
        X.setVolatile(this, 1);
        r.r1 = (int) Y.getVolatile(this);
    }

    @Actor
    public void second(II_Result r) {
        Y.setVolatile(this, 1);
        r.r2 = (int) X.getVolatile(this);
    }
}
