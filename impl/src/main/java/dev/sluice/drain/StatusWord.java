package dev.sluice.drain;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The drain machine's one {@code int} and its access modes, kept apart from the protocol in
 * {@link DrainStatus} so that each access there names its mode: {@code statusOpaque()},
 * {@code statusAcquire()}, {@code setStatusRelease(..)}. The comment at each call says why that
 * mode is enough (SPEC §7 and stress/README.md list them all).
 */
public abstract class StatusWord {
    /** A word in IDLE. */
    protected StatusWord() {}

    /** No drain is running and none is needed. */
    public static final int IDLE = 0;
    /** A drain is needed and none is running or scheduled. */
    public static final int REQUIRED = 1;
    /** A drain is scheduled or running; nothing arrived since it was scheduled. */
    public static final int PROCESSING_TO_IDLE = 2;
    /** A drain is scheduled or running, and work arrived since: another drain is needed after it. */
    public static final int PROCESSING_TO_REQUIRED = 3;

    private static final VarHandle STATUS;

    static {
        try {
            STATUS = MethodHandles.lookup().findVarHandle(StatusWord.class, "status", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Read and written only through {@link #STATUS}; volatile so that no access is plain. */
    @SuppressWarnings("unused")
    private volatile int status = IDLE;

    // ---- the five accessors of the seed, plus the two volatile ones of deviation (b) ----
    // Not final only so that a test can make each access a scheduling point (DrainSchedulesTest
    // enumerates the interleavings of the real protocol); an override must delegate here.

    /** Opaque: coherent, no ordering. Used only for gates whose decision is re-checked. */
    protected int statusOpaque() {
        return (int) STATUS.getOpaque(this);
    }

    /** Acquire: pairs with the release (or volatile) store that wrote the value it reads. */
    protected int statusAcquire() {
        return (int) STATUS.getAcquire(this);
    }

    /**
     * Volatile read: the writer's half of the store-buffering pair described at
     * {@code DrainStatus.enterMaintenance()}. On x86 it compiles to the same plain load as opaque.
     */
    protected int statusVolatile() {
        return (int) STATUS.getVolatile(this);
    }

    protected void setStatusOpaque(int value) {
        STATUS.setOpaque(this, value);
    }

    protected void setStatusRelease(int value) {
        STATUS.setRelease(this, value);
    }

    protected void setStatusVolatile(int value) {
        STATUS.setVolatile(this, value);
    }

    /**
     * Volatile CAS: totally ordered with every other volatile access. Not final only so that a
     * test can count the CAS failures a checker reaches (DrainLincheckTest's CountingCas) or
     * schedule the access (DrainSchedulesTest); an override that changes its result is a seeded
     * bug, not a variant.
     *
     * @param expect the state the caller read
     * @param update the state to move to
     * @return whether the state was {@code expect} and is now {@code update}
     */
    protected boolean casStatus(int expect, int update) {
        return STATUS.compareAndSet(this, expect, update);
    }

    /** {@return the current state (acquire); for views and tests, not for decisions} */
    public final int status() {
        return statusAcquire();
    }

    /**
     * Names a state.
     *
     * @param status a state
     * @return its name as SPEC.md spells it, or INVALID(n)
     */
    public static String name(int status) {
        switch (status) {
            case IDLE: return "IDLE";
            case REQUIRED: return "REQUIRED";
            case PROCESSING_TO_IDLE: return "PROCESSING_TO_IDLE";
            case PROCESSING_TO_REQUIRED: return "PROCESSING_TO_REQUIRED";
            default: return "INVALID(" + status + ")";
        }
    }
}
