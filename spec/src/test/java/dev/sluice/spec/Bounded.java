package dev.sluice.spec;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs a property's example on a daemon thread so that a hang fails the example instead of the build. */
final class Bounded {
    private Bounded() {}

    static void run(String what, int seconds, Runnable example) {
        FutureTask<Void> task = new FutureTask<>(example, null);
        Thread thread = new Thread(task, what);
        thread.setDaemon(true);
        thread.start();
        try {
            task.get(seconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            thread.interrupt();
            throw new AssertionError(what + " did not finish in " + seconds + " s: an operation hangs or livelocks");
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error) {
                throw (Error) e.getCause();
            }
            throw new AssertionError(e.getCause());
        }
    }
}
