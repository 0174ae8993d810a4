package dev.sluice.cache;

import dev.sluice.drain.DrainStatus;
import dev.sluice.drain.ReadBuffer;
import dev.sluice.drain.WriteBuffer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A count-bounded write-back LRU cache bound to a {@link Backend}, with flush dependencies
 * between caches. Every method is safe from any number of threads. SPEC.md is the contract; the
 * invariant names below ({@code I-...}) are defined there.
 *
 * <p>Structure. Entries live in a {@link ConcurrentHashMap} of {@link Node}s; a hit is a map
 * lookup, a volatile read and a read-buffer offer, with no lock. Reads and writes are recorded in
 * a {@link ReadBuffer} and a {@link WriteBuffer} and applied to the LRU list ({@link AccessOrder})
 * by maintenance, which a {@link DrainStatus} schedules on the executor. Maintenance evicts clean
 * victims at once; a dirty victim is written back after the drain lock is released, and evicted by
 * a later drain if it is still clean and unpinned then.
 *
 * <p>Locks: the drain lock (per cache), node monitors (leaf), and one global dependency lock
 * (leaf). Backend I/O never runs while any of them is held, so no two caches' locks are ever
 * nested across I/O (imago's lock-order deadlocks).
 *
 * <p>Bound: the map holds at most {@code capacity} entries after a drain that found nothing in
 * flight, plus, between drains, up to one write-buffer's worth of unapplied admissions
 * ({@link Tuning#writeBufferCapacity}), one entry per thread in the middle of a load, and dirty
 * victims whose write-back is in flight or failed (SPEC §6), on any executor.
 *
 * <p>Hostile environments (SPEC §6): executors that run tasks on the caller, reject or drop them;
 * drains and backends that throw, {@code Error}s included; a backend down for minutes (failed
 * victims are retried with back-off). No operation throws because of maintenance, nothing
 * recurses, and no dirty value is lost.
 */
public final class WriteBackCache<K, V> {
    /**
     * Buffer sizes and the work bound of one drain. The defaults suit ordinary use; tests shrink
     * them to reach full buffers and early stops.
     */
    public record Tuning(int readBufferCapacity, int writeBufferCapacity, int drainBatch) {
        public static final Tuning DEFAULT = new Tuning(16, 64, 64);

        public Tuning {
            if (drainBatch < 1) {
                throw new IllegalArgumentException("drainBatch must be >= 1, was " + drainBatch);
            }
            // The buffer constructors check the capacities.
        }
    }

    private final Backend<K, V> backend;
    private final int capacity;
    private final ConcurrentHashMap<K, Node<K, V>> data = new ConcurrentHashMap<>();
    private final ReadBuffer<Node<K, V>> readBuffer;
    private final WriteBuffer<Node<K, V>> writeBuffer;
    private final AtomicInteger pinnedKeys = new AtomicInteger();
    private final Dependencies dependencies = new Dependencies();
    private final Maintenance<K, V> maintenance;
    private final WriteBackProtocol<K, V> protocol;
    private final DrainStatus drain;

    public WriteBackCache(Backend<K, V> backend, int capacity) {
        this(backend, capacity, ForkJoinPool.commonPool(), Tuning.DEFAULT);
    }

    public WriteBackCache(Backend<K, V> backend, int capacity, Executor executor) {
        this(backend, capacity, executor, Tuning.DEFAULT);
    }

    public WriteBackCache(Backend<K, V> backend, int capacity, Executor executor, Tuning tuning) {
        this.backend = Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(executor, "executor");
        Objects.requireNonNull(tuning, "tuning");
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, was " + capacity);
        }
        this.capacity = capacity;
        this.readBuffer = new ReadBuffer<>(tuning.readBufferCapacity());
        this.writeBuffer = new WriteBuffer<>(tuning.writeBufferCapacity());
        this.maintenance = new Maintenance<>(this, data, readBuffer, writeBuffer, capacity, tuning.drainBatch());
        this.protocol = new WriteBackProtocol<>(backend, dependencies, maintenance);
        this.drain = new DrainStatus(executor, maintenance);
    }

    // ---- reads ----

    /** The key's latest value, loaded from the backend on a miss. */
    public V get(K key) throws IOException {
        Objects.requireNonNull(key, "key");
        for (;;) {
            Node<K, V> node = data.get(key);
            if (node == null) {
                node = loadMiss(key);
                if (node == null) {
                    continue; // another thread inserted the key first
                }
                return node.value();
            }
            // The map's get happens-after the put that inserted the node, and value is volatile:
            // a hit sees the latest completed replace() without taking the node's monitor.
            V value = node.value();
            if (value != null) {
                recordRead(node);
                return value;
            }
            if (node.awaitResident()) {
                return node.value();
            }
            unmapRetired(node);
        }
    }

    /**
     * Like {@link #get} but keeps the entry resident until the returned pin is closed.
     *
     * @throws CacheFullException if {@code capacity} other keys are pinned; nothing changed
     */
    public Pin<V> pin(K key) throws IOException {
        Objects.requireNonNull(key, "key");
        for (;;) {
            Node<K, V> node = data.get(key);
            if (node == null) {
                if (pinnedKeys.get() >= capacity) {
                    throw new CacheFullException(key, capacity); // don't load what can't be pinned
                }
                node = loadMiss(key);
                if (node == null) {
                    continue;
                }
            } else if (!node.awaitResident()) {
                unmapRetired(node); // its load failed, or it was evicted: look again
                continue;
            }
            // Atomic with eviction's check under the node monitor: a pin never holds a retired
            // node (I-PIN-RESIDENT; PinEvictStress).
            if (node.tryPin(pinnedKeys, capacity)) {
                recordRead(node);
                Node<K, V> pinned = node;
                return new Pin<>(pinned, () -> recordRead(pinned), () -> unpin(pinned));
            }
            unmapRetired(node);
        }
    }

    /**
     * Inserts a placeholder and loads into it, so that a put racing with the load wins and no
     * stale backend value is ever inserted after a newer one was written back.
     *
     * @return the resident node, or null if the key appeared first (the caller looks again)
     */
    private Node<K, V> loadMiss(K key) throws IOException {
        Node<K, V> placeholder = Node.loading(key);
        if (data.putIfAbsent(key, placeholder) != null) {
            return null;
        }
        boolean loaded = false;
        try {
            V value = backend.load(key);
            if (value == null) {
                throw new NullPointerException("backend.load(" + key + ") returned null");
            }
            placeholder.completeLoad(value);
            loaded = true;
        } finally {
            if (!loaded && placeholder.failLoad()) {
                data.remove(key, placeholder);
            }
        }
        recordWrite(placeholder); // the admission: lossless, so the policy always learns of it
        return placeholder;
    }

    // ---- writes ----

    /**
     * Replaces the key's value and marks it dirty. The replaced value is not written back: the
     * backend receives only the latest value of each key (a deviation from imago, whose values
     * carry their own dirty state; see SPEC "Deviations").
     */
    public void put(K key, V value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        for (;;) {
            Node<K, V> node = data.get(key);
            if (node == null) {
                Node<K, V> fresh = Node.dirty(key, value);
                if (data.putIfAbsent(key, fresh) == null) {
                    recordWrite(fresh);
                    return;
                }
            } else if (node.replace(value)) {
                // An update changes neither membership nor size, only recency and the dirty flag
                // (which lives on the node), so it is recorded like a read: lossy, no drain
                // scheduled (as Caffeine does for same-weight updates). Admissions and
                // retirements stay lossless writes.
                recordRead(node);
                return;
            } else {
                unmapRetired(node);
            }
        }
    }

    /**
     * Writes back this cache's dependencies, then every dirty entry. Every entry is attempted;
     * the first failure is thrown with the others suppressed, and the entries that failed stay
     * dirty (I-NO-LOST-DIRTY). If a dependency fails, no entry of this cache is written.
     */
    public void flush() throws IOException {
        writeBackDependencies();
        Failures failures = new Failures();
        for (Node<K, V> node : data.values()) {
            try {
                writeBack(node);
            } catch (Throwable e) { // an Error from the backend too: the other entries are still tried
                failures.add(e);
            }
        }
        if (data.size() > capacity) {
            scheduleEviction(); // what was dirty (or parked after failing) may be evictable now
        }
        failures.throwFirst();
    }

    /**
     * Drops every entry without writing it back, telling the backend through
     * {@link Backend#discarded}. Pinned entries stay, unchanged.
     *
     * @throws EntriesPinnedException listing the pinned keys that stayed
     */
    public void invalidate() {
        List<Object> kept = new ArrayList<>();
        RuntimeException discardFailure = null;
        for (Node<K, V> node : data.values()) {
            Node.Drop drop = node.retireUnlessPinned();
            if (drop == Node.Drop.KEPT_PINNED) {
                kept.add(node.key);
            } else if (drop != Node.Drop.NOT_RESIDENT) {
                data.remove(node.key, node);
                recordWrite(node); // tells the policy to unlink it
                try {
                    backend.discarded(node.key, node.value(), drop == Node.Drop.DROPPED_DIRTY);
                } catch (RuntimeException e) { // a contract breach, but the other entries still go
                    if (discardFailure == null) {
                        discardFailure = e;
                    } else {
                        discardFailure.addSuppressed(e);
                    }
                }
            }
        }
        if (kept.isEmpty()) {
            dependencies.clear(); // nothing of ours is left to order
        }
        if (discardFailure != null) {
            throw discardFailure;
        }
        if (!kept.isEmpty()) {
            throw new EntriesPinnedException(kept);
        }
    }

    /**
     * From now on, before any dirty entry of this cache is written back, every entry of
     * {@code other} that is dirty when that write-back begins is written back first. The edge is
     * consumed once satisfied.
     *
     * <p>Cycles: the edge is added only while {@code other} has no dependencies of its own, so it
     * can never close a cycle of any length (QEMU's "make the target a sink" rule; SPEC I-DAG).
     * If {@code other} has dependencies, they are written back first, and the check repeats.
     *
     * @throws IllegalArgumentException if {@code other} is this cache
     * @throws IOException if writing back {@code other}'s dependencies failed; no edge was added
     */
    public void dependOn(WriteBackCache<?, ?> other) throws IOException {
        Objects.requireNonNull(other, "other");
        if (other == this) {
            throw new IllegalArgumentException("a cache cannot depend on itself");
        }
        while (!dependencies.addIfTargetIsSink(other, other.dependencies)) {
            other.writeBackDependencies();
        }
    }

    /** Runs maintenance now, on this thread (see {@link DrainStatus#cleanUp()}). */
    public void cleanUp() {
        drain.cleanUp();
    }

    // ---- views, for tests and monitoring; each is a momentary reading ----

    public int capacity() {
        return capacity;
    }

    /** Entries in the map that hold a value (loads in progress are not counted). */
    public int residentCount() {
        int count = 0;
        for (Node<K, V> node : data.values()) {
            if (node.state() == Node.State.RESIDENT) {
                count++;
            }
        }
        return count;
    }

    public int dirtyCount() {
        int count = 0;
        for (Node<K, V> node : data.values()) {
            if (node.isDirty()) {
                count++;
            }
        }
        return count;
    }

    public int pinnedCount() {
        return pinnedKeys.get();
    }

    public boolean isResident(K key) {
        Objects.requireNonNull(key, "key");
        Node<K, V> node = data.get(key);
        return node != null && node.state() == Node.State.RESIDENT;
    }

    /** The drain state's name: IDLE, REQUIRED, PROCESSING_TO_IDLE or PROCESSING_TO_REQUIRED. */
    public String drainStatus() {
        return DrainStatus.name(drain.status());
    }

    /**
     * Write-backs of eviction victims that failed (each such victim stayed resident and dirty),
     * plus evicted entries whose removal from the map threw, since the cache was created. A
     * failure burst is also logged, once (SPEC §6).
     */
    public long evictionFailureCount() {
        return maintenance.evictionFailures().failures();
    }

    /** The most recent of {@link #evictionFailureCount()}'s failures, or null. */
    public Throwable lastEvictionFailure() {
        return maintenance.evictionFailures().lastFailure();
    }

    /** Drains that threw (caught: the drain counts as stopped early and is retried). */
    public long maintenanceFailureCount() {
        return drain.drainFailures().failures();
    }

    /** No recorded read or write is waiting for a drain (for the soak's quiescence check). */
    boolean buffersEmpty() {
        return readBuffer.isEmpty() && writeBuffer.isEmpty();
    }

    /** The caches this one currently depends on. */
    public Set<WriteBackCache<?, ?>> dependencies() {
        return dependencies.targets();
    }

    // ---- internals ----

    private void recordWrite(Node<K, V> node) {
        if (writeBuffer.offer(node)) {
            drain.scheduleAfterWrite();
        } else {
            // Lossless: a full buffer means the drain is behind, so this writer drains it itself,
            // its own event included, rather than spinning for a drain that may never be
            // scheduled. This is the one place an ordinary write pays for maintenance (SPEC §2).
            drain.assist(maintenance.writeEvent(node));
        }
    }

    private void recordRead(Node<K, V> node) {
        drain.scheduleAfterRead(readBuffer.offer(node) == ReadBuffer.Offer.FULL);
    }

    /**
     * A retired node is removed from the map by whoever retired it; if that removal threw (a key
     * whose hashCode failed during eviction), a caller who finds it removes it, so that nobody
     * loops on it (SPEC §2, entry life cycle).
     */
    private void unmapRetired(Node<K, V> node) {
        if (node.state() == Node.State.RETIRED) {
            data.remove(node.key, node);
        }
    }

    /** Victims were written back: a drain must run to evict the ones that are still clean. */
    void scheduleEviction() {
        drain.scheduleAfterWrite();
    }

    private void unpin(Node<K, V> node) {
        node.unpin(pinnedKeys);
        if (data.size() > capacity) {
            scheduleEviction(); // the entry may now be the victim the cache was waiting for
        }
    }

    /** Writes back every dependency, consuming each edge it satisfied (SPEC §2.1). */
    private void writeBackDependencies() throws IOException {
        protocol.writeBackDependencies();
    }

    /** One entry's write-back (SPEC §2.2). */
    void writeBack(Node<K, V> node) throws IOException {
        protocol.writeBack(node);
    }
}
