package dev.sluice.cache;

import dev.sluice.drain.DrainStatus;
import dev.sluice.drain.ReadBuffer;
import dev.sluice.drain.WriteBuffer;
import java.io.IOException;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * What a drain of a {@link WriteBackCache} does: apply the recorded reads and writes to the LRU
 * list, then evict down to capacity. Everything but {@link #afterUnlock()} runs under the drain
 * lock, which also guards {@link #accessOrder}; {@link #afterUnlock()} does the write-back I/O of
 * dirty victims, holding no lock.
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
    private final Queue<Node<K, V>> victims = new ConcurrentLinkedQueue<>();

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

    @Override
    public boolean drain() {
        int budget = drainBatch - readBuffer.drainTo(accessOrder::onRead, drainBatch);
        for (Node<K, V> node; budget > 0 && (node = writeBuffer.poll()) != null; budget--) {
            accessOrder.onWrite(node);
        }
        // Eviction has a budget of its own: a drain that spent its event budget (an assisting
        // writer's, say) must still make room, or a cache whose executor never runs its tasks
        // would grow without bound.
        boolean evictionCut = evict(drainBatch);
        return evictionCut || !writeBuffer.isEmpty();
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
                    data.remove(node.key, node);
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
     * Writes back the dirty victims outside the drain lock. A victim that is clean afterwards
     * is evicted by the drain this schedules; one that failed stays resident and dirty, and
     * is tried again by a later drain or flush (I-NO-LOST-DIRTY).
     */
    @Override
    public void afterUnlock() {
        boolean written = false;
        for (Node<K, V> victim; (victim = victims.poll()) != null; ) {
            try {
                cache.writeBack(victim);
                written = true;
            } catch (IOException | RuntimeException e) {
                LOGGER.log(System.Logger.Level.WARNING,
                        "write-back of eviction victim " + victim.key + " failed; it stays dirty", e);
            } finally {
                victim.victimWrittenBack();
            }
        }
        if (written) {
            cache.scheduleEviction();
        }
    }
}
