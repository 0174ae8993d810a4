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
import java.util.function.UnaryOperator;

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
 *
 * @param <K> the key type; keys need consistent {@code hashCode} and {@code equals}
 * @param <V> the value type; a value in the cache is changed only through {@link #put}, {@link #update} or a pin (SPEC §2)
 */
public final class WriteBackCache<K, V> {
    private final Backend<K, V> backend;
    private final int capacity;
    private final EntryMap<K, V> entries;
    private final ConcurrentHashMap<K, Node<K, V>> data;
    private final ReadBuffer<Node<K, V>> readBuffer;
    private final WriteBuffer<Node<K, V>> writeBuffer;
    private final AtomicInteger pinnedKeys;
    private final Dependencies dependencies = new Dependencies();
    private final Maintenance<K, V> maintenance;
    private final WriteBackProtocol<K, V> protocol;
    private final DrainStatus drain;

    /**
     * A cache whose maintenance (applying recorded reads and writes, evicting, writing back dirty
     * victims) runs on {@link ForkJoinPool#commonPool()}.
     *
     * @param backend where values are loaded from and written back to; see {@link Backend}
     * @param capacity the most entries kept after a drain (SPEC I-BOUND), at least 1
     * @throws IllegalArgumentException if {@code capacity} is below 1
     */
    public WriteBackCache(Backend<K, V> backend, int capacity) {
        this(backend, capacity, ForkJoinPool.commonPool(), Tuning.DEFAULT);
    }

    /**
     * A cache whose maintenance runs on {@code executor}. Any executor is accepted, including one
     * that runs tasks on the caller, rejects them or drops them (SPEC §6): maintenance then runs
     * on the calling thread or on the next writer.
     *
     * @param backend where values are loaded from and written back to
     * @param capacity the most entries kept after a drain, at least 1
     * @param executor runs the drains
     * @throws IllegalArgumentException if {@code capacity} is below 1
     */
    public WriteBackCache(Backend<K, V> backend, int capacity, Executor executor) {
        this(backend, capacity, executor, Tuning.DEFAULT);
    }

    /**
     * A cache with explicit buffer sizes and drain batch.
     *
     * @param backend where values are loaded from and written back to
     * @param capacity the most entries kept after a drain, at least 1
     * @param executor runs the drains
     * @param tuning buffer sizes and the drain batch
     * @throws IllegalArgumentException if {@code capacity} is below 1 or a buffer capacity is not
     *     a power of two
     */
    public WriteBackCache(Backend<K, V> backend, int capacity, Executor executor, Tuning tuning) {
        this.backend = Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(executor, "executor");
        Objects.requireNonNull(tuning, "tuning");
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, was " + capacity);
        }
        this.capacity = capacity;
        this.entries = new EntryMap<>(backend, capacity, this);
        this.data = entries.data;
        this.pinnedKeys = entries.pinnedKeys;
        this.readBuffer = new ReadBuffer<>(tuning.readBufferCapacity());
        this.writeBuffer = new WriteBuffer<>(tuning.writeBufferCapacity());
        this.maintenance = new Maintenance<>(this, data, readBuffer, writeBuffer, capacity, tuning.drainBatch());
        this.protocol = new WriteBackProtocol<>(backend, dependencies, maintenance);
        this.drain = new DrainStatus(executor, maintenance);
    }

    // ---- reads ----

    /**
     * The key's latest value. A hit takes no lock and does no I/O; a miss loads from the backend on
     * this thread (one load per key at a time: other threads asking for the key wait for it). A
     * hit on an entry whose write-back is in flight returns the cached value, never the backend's
     * older copy (SPEC I-NO-STALE-READ).
     *
     * @param key the key, not null
     * @return the value last put for the key, or the backend's value if none is cached
     * @throws IOException if the load failed; nothing was cached and the next get tries again
     */
    public V get(K key) throws IOException {
        return entries.get(key);
    }

    /**
     * Like {@link #get} but keeps the entry resident until the returned pin is closed: a pinned
     * entry is never evicted (SPEC I-PIN-RESIDENT). One key may be pinned many times.
     *
     * @param key the key, not null
     * @return an open pin on the key's entry; close it (try-with-resources)
     * @throws IOException if the load failed; nothing was cached or pinned
     * @throws CacheFullException if {@code capacity} other keys are pinned; nothing changed
     */
    public Pin<V> pin(K key) throws IOException {
        return entries.pin(key);
    }

    // ---- writes ----

    /**
     * Changes the key's value atomically: runs {@code change} on the current value (loading it
     * on a miss) while holding the entry's update claim, stores what it returns and marks the entry
     * dirty. While {@code change} runs, no write-back of the entry is in flight or can begin, and
     * no put, pin set or other update of the key can land (they wait); so {@code change} may
     * modify the value in place and return it, and the backend never receives it half changed
     * (SPEC §2, update). Lock-free readers ({@code get}, {@code Pin.value}) may see an in-place
     * change while it is being made; return a new value to spare them that.
     *
     * <p>{@code change} must be quick and must not call into any cache: a call back into the same
     * entry is refused with {@code IllegalStateException}; other calls are the caller's risk
     * (two updates that call each other's keys deadlock, as nested locks would).
     *
     * @param key the key, not null
     * @param change computes the new value from the current one; may change it in place
     * @return the new value
     * @throws IOException if the load on a miss failed; nothing changed
     * @throws NullPointerException if {@code change} returned null; as when it throws, the exception
     *     is thrown and the entry is marked dirty (it may have been changed in place), its value
     *     the object it was
     */
    public V update(K key, UnaryOperator<V> change) throws IOException {
        return entries.update(key, change);
    }

    /**
     * Replaces the key's value and marks it dirty. The replaced value is not written back: the
     * backend receives only the latest value of each key (a deviation from imago, whose values
     * carry their own dirty state; see SPEC "Deviations").
     *
     * <p>Side effects (SPEC §2): the put is recorded for maintenance, which may evict other entries
     * and write back dirty victims. On an executor that runs tasks elsewhere, the put itself does
     * no I/O unless the write buffer is full; then this thread drains it (at most
     * {@code 16} drains, which may write back other keys' victims). A put never throws because of
     * maintenance: a failed write-back of another key is counted
     * ({@link #evictionFailureCount()}) and retried, and the value it wrote stays dirty. A put of a
     * key whose {@link #update} function is running waits for it, so neither change is lost.
     *
     * @param key the key, not null
     * @param value the new value, not null; treat it as immutable once put (the backend may be
     *     writing it)
     */
    public void put(K key, V value) {
        entries.put(key, value);
    }

    /**
     * Writes back this cache's dependencies, then every dirty entry. Every entry is attempted;
     * the first failure is thrown with the others suppressed, and the entries that failed stay
     * dirty (I-NO-LOST-DIRTY). If a dependency fails, no entry of this cache is written. An entry
     * whose write-back is in flight on another thread is waited for. Runs on the calling thread.
     *
     * @throws IOException the first write-back failure, the others suppressed in it
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
     * Writes back and evicts every entry, so that a client can drop a cache without losing what
     * other threads keep changing: dependencies and dirty entries are written first (as by
     * {@link #flush}), then each entry that is clean, unpinned and idle is evicted. An entry
     * pinned, or dirtied by another thread after its write-back, stays (nothing dirty is ever
     * dropped: I-NO-LOST-DIRTY); {@code flush} then {@code invalidate} would drop that change.
     * The clean entries are evicted even if a write-back failed.
     *
     * @throws IOException the first write-back failure, as {@link #flush} throws it; the entries
     *     that failed stay resident and dirty
     */
    public void evictAll() throws IOException {
        try {
            flush();
        } finally {
            for (Node<K, V> node : data.values()) {
                if (node.retireIfClean()) {
                    data.remove(node.key, node);
                    recordWrite(node); // tells the policy to unlink it
                }
            }
        }
    }

    /**
     * Drops every entry without writing it back, telling the backend through
     * {@link Backend#discarded}. Pinned entries stay, unchanged.
     *
     * @throws EntriesPinnedException listing the pinned keys that stayed
     */
    public void invalidate() {
        List<Object> kept = new ArrayList<>();
        try {
            Invalidation.dropUnpinned(data, backend, this::recordWrite, kept);
        } finally {
            if (kept.isEmpty()) {
                dependencies.clear(); // nothing of ours is left to order
            }
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
     * @param other the cache whose dirty entries must reach the backend first
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

    /** {@return the capacity the cache was created with} */
    public int capacity() {
        return capacity;
    }

    /** {@return entries in the map that hold a value (loads in progress are not counted)} */
    public int residentCount() {
        int count = 0;
        for (Node<K, V> node : data.values()) {
            if (node.state() == Node.State.RESIDENT) {
                count++;
            }
        }
        return count;
    }

    /** {@return resident entries whose latest value has not been written back} */
    public int dirtyCount() {
        int count = 0;
        for (Node<K, V> node : data.values()) {
            if (node.isDirty()) {
                count++;
            }
        }
        return count;
    }

    /** {@return keys with at least one open pin} */
    public int pinnedCount() {
        return pinnedKeys.get();
    }

    /**
     * Whether the key is cached now.
     *
     * @param key the key, not null
     * @return whether the key's entry is in the cache with a value
     */
    public boolean isResident(K key) {
        Objects.requireNonNull(key, "key");
        Node<K, V> node = data.get(key);
        return node != null && node.state() == Node.State.RESIDENT;
    }

    /** {@return the drain state's name: IDLE, REQUIRED, PROCESSING_TO_IDLE or PROCESSING_TO_REQUIRED} */
    public String drainStatus() {
        return DrainStatus.name(drain.status());
    }

    /**
     * Write-backs of eviction victims that failed (each such victim stayed resident and dirty),
     * plus evicted entries whose removal from the map threw, since the cache was created. A
     * failure burst is also logged, once (SPEC §6).
     *
     * @return the failures counted since the cache was created
     */
    public long evictionFailureCount() {
        return maintenance.evictionFailures().failures();
    }

    /** {@return the most recent of {@link #evictionFailureCount()}'s failures, or null if none} */
    public Throwable lastEvictionFailure() {
        return maintenance.evictionFailures().lastFailure();
    }

    /** {@return drains that threw (caught: such a drain counts as stopped early and is retried)} */
    public long maintenanceFailureCount() {
        return drain.drainFailures().failures();
    }

    /** No recorded read or write is waiting for a drain (for the soak's quiescence check). */
    boolean buffersEmpty() {
        return readBuffer.isEmpty() && writeBuffer.isEmpty();
    }

    /** {@return the caches this one currently depends on (a copy)} */
    public Set<WriteBackCache<?, ?>> dependencies() {
        return dependencies.targets();
    }

    // For the conformance traces' state lines: the policy order, least recent first, read under
    // the drain lock (the drains' unlock happens-before it), and a key's node (for its dirty flag).
    List<K> policyOrder() { return drain.readUnderLock(maintenance::policyOrder); }

    Node<K, V> node(K key) { return data.get(key); }

    // ---- internals ----

    void recordWrite(Node<K, V> node) {
        if (writeBuffer.offer(node)) {
            drain.scheduleAfterWrite();
        } else {
            // Lossless: a full buffer means the drain is behind, so this writer drains it itself,
            // its own event included, rather than spinning for a drain that may never be
            // scheduled. This is the one place an ordinary write pays for maintenance (SPEC §2).
            drain.assist(maintenance.writeEvent(node));
        }
    }

    void recordRead(Node<K, V> node) {
        drain.scheduleAfterRead(readBuffer.offer(node) == ReadBuffer.Offer.FULL);
    }

    /** Victims were written back: a drain must run to evict the ones that are still clean. */
    void scheduleEviction() {
        drain.scheduleAfterWrite();
    }

    void unpin(Node<K, V> node) {
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
