package dev.sluice.cache;

import dev.sluice.drain.DrainStatus;
import dev.sluice.drain.FailureLog;
import dev.sluice.drain.ReadBuffer;
import dev.sluice.drain.WriteBuffer;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * What a drain of a {@link WriteBackCache} does: apply the recorded reads and writes to the LRU
 * list, then evict down to capacity. Everything but {@link #afterUnlock()} runs under the drain
 * lock, which also guards {@link #accessOrder}, {@link #parked} and {@link #unmapped};
 * {@link #afterUnlock()} does the write-back I/O of dirty victims, holding no lock.
 *
 * <p>Failures. A victim whose write-back fails stays resident and dirty (I-NO-LOST-DIRTY) and is
 * <em>parked</em>: taken out of the policy, so eviction neither walks it again nor waits for it,
 * until the {@link Backoff} delay has passed or a write-back has succeeded; then it goes back to
 * the least recent end and is tried again. While the back-off lasts, new victims are parked
 * without an attempt. An evicted entry whose removal from the map throws (its key's
 * {@code hashCode} or {@code equals}) is retried by every later drain.
 */
final class Maintenance<K, V> implements DrainStatus.Work {
    private static final System.Logger LOGGER = System.getLogger(Maintenance.class.getName());

    private final WriteBackCache<K, V> cache;
    private final ConcurrentHashMap<K, Node<K, V>> data;
    private final ReadBuffer<Node<K, V>> readBuffer;
    private final WriteBuffer<Node<K, V>> writeBuffer;
    private final int capacity;
    private final int drainBatch;
    private final AccessOrder<K, V> accessOrder = new AccessOrder<>();
    /** Chosen by a drain; written back by whichever drain runner's afterUnlock polls them. */
    private final Queue<Node<K, V>> victims = new ConcurrentLinkedQueue<>();
    /** Victims whose write-back failed or was skipped, for the next drain to park. */
    private final Queue<Node<K, V>> failedVictims = new ConcurrentLinkedQueue<>();
    private final ArrayDeque<Node<K, V>> parked = new ArrayDeque<>();
    private final ArrayDeque<Node<K, V>> unmapped = new ArrayDeque<>();
    private final Backoff backoff = new Backoff();
    private final FailureLog evictionFailures = new FailureLog(LOGGER, "eviction (victim write-back or map removal)");

    Maintenance(WriteBackCache<K, V> cache, ConcurrentHashMap<K, Node<K, V>> data,
            ReadBuffer<Node<K, V>> readBuffer, WriteBuffer<Node<K, V>> writeBuffer,
            int capacity, int drainBatch) {
        this.cache = cache;
        this.data = data;
        this.readBuffer = readBuffer;
        this.writeBuffer = writeBuffer;
        this.capacity = capacity;
        this.drainBatch = drainBatch;
    }

    FailureLog evictionFailures() {
        return evictionFailures;
    }

    /** The policy order, least recent first; only under the drain lock (WriteBackCache.policyOrder). */
    List<K> policyOrder() {
        return accessOrder.keys();
    }

    /** A writer's event, for {@link DrainStatus#assist}: applied under the drain lock. */
    Runnable writeEvent(Node<K, V> node) {
        return () -> accessOrder.onWrite(node);
    }

    /** Any write-back succeeded: the backend is up, so parked victims may be tried again. */
    void writeBackSucceeded() {
        backoff.succeeded();
    }

    @Override
    public boolean drain(Runnable ownWrite) {
        try {
            retryUnmapping();
            parkOrRelinkFailedVictims();
            int budget = drainBatch - readBuffer.drainTo(accessOrder::onRead, drainBatch);
            for (Node<K, V> node; budget > 0 && (node = writeBuffer.poll()) != null; budget--) {
                accessOrder.onWrite(node);
            }
        } finally {
            if (ownWrite != null) {
                ownWrite.run(); // after the older buffered events, and whatever happened to them
            }
        }
        // Eviction has a budget of its own: a drain that spent its event budget (an assisting
        // writer's, say) must still make room, or a cache whose executor never runs its tasks
        // would grow without bound.
        boolean evictionCut = evict(drainBatch);
        return evictionCut || !writeBuffer.isEmpty();
    }

    private void parkOrRelinkFailedVictims() {
        for (Node<K, V> node; (node = failedVictims.poll()) != null; ) {
            if (node.linked) {
                accessOrder.unlink(node);
            }
            parked.add(node);
        }
        if (parked.isEmpty() || backoff.waiting(System.nanoTime())) {
            return;
        }
        // In reverse, so that the one that failed first is the least recent again.
        for (Iterator<Node<K, V>> it = parked.descendingIterator(); it.hasNext(); ) {
            Node<K, V> node = it.next();
            if (!node.linked && node.state() == Node.State.RESIDENT) {
                accessOrder.linkFirst(node);
            }
        }
        parked.clear();
    }

    private void retryUnmapping() {
        for (Iterator<Node<K, V>> it = unmapped.iterator(); it.hasNext(); ) {
            if (unmap(it.next())) {
                it.remove();
            }
        }
    }

    /** Removes a retired node from the map; false if its key threw (kept for the next drain). */
    private boolean unmap(Node<K, V> node) {
        try {
            data.remove(node.key, node);
            return true;
        } catch (RuntimeException e) {
            evictionFailures.failed(e);
            return false;
        }
    }

    /**
     * Evicts least recently used entries while more than {@code capacity} are in the policy.
     * Pinned entries are in use, so they move to the most recent end; dirty ones (or ones
     * being written by a flush) are queued for a write-back after unlock and evicted by the
     * drain that follows it, so the least recently used unpinned entry is always the one that
     * goes.
     *
     * @return true if it stopped for lack of budget with eviction still needed
     */
    private boolean evict(int budget) {
        int excess = accessOrder.size() - capacity;
        Node<K, V> node = accessOrder.leastRecent();
        // Terminates within one pass: at most `capacity` keys are pinned, so at least `excess`
        // unpinned nodes precede the pinned ones moved behind them, and each lowers `excess`.
        while (excess > 0 && node != null) {
            if (budget-- <= 0) {
                return true;
            }
            Node<K, V> next = node.next;
            switch (node.tryEvict()) {
                case EVICTED:
                    accessOrder.unlink(node);
                    if (!unmap(node)) {
                        unmapped.add(node);
                    }
                    excess--;
                    break;
                case GONE:
                    accessOrder.unlink(node);
                    excess--;
                    break;
                case NEEDS_WRITE_BACK:
                    victims.add(node);
                    excess--; // it leaves once written back: don't evict a newer entry instead
                    break;
                case QUEUED:
                    excess--;
                    break;
                case PINNED:
                    accessOrder.moveToTail(node);
                    break;
            }
            node = next;
        }
        return false;
    }

    /**
     * Writes back the dirty victims outside the drain lock. A victim that is clean afterwards is
     * evicted by the drain that the machine runs next (this returns true); one that failed stays
     * resident and dirty and is parked (I-NO-LOST-DIRTY). Whatever the backend throws, an
     * {@code Error} too, is counted and logged once per burst, never thrown to the thread that
     * happened to run the drain: that thread's own operation already took effect.
     */
    @Override
    public boolean afterUnlock() {
        boolean written = false;
        for (Node<K, V> victim; (victim = victims.poll()) != null; ) {
            boolean succeeded = false;
            try {
                if (!backoff.waiting(System.nanoTime())) {
                    cache.writeBack(victim);
                    succeeded = true;
                }
            } catch (Throwable failure) {
                backoff.failed(System.nanoTime());
                evictionFailures.failed(failure);
            } finally {
                victim.victimWrittenBack();
                if (succeeded) {
                    written = true;
                    evictionFailures.succeeded();
                } else {
                    failedVictims.add(victim);
                }
            }
        }
        return written;
    }
}
