package dev.sluice.cache;

import java.io.IOException;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * One key's entry. Everything but the LRU links is guarded by the node's own monitor, a leaf
 * lock: it is held for a few field updates, never across I/O or while taking another lock.
 * {@link #value} and {@link #state} are also volatile so that a cache hit can read them without
 * the monitor (the lock-free read path).
 */
final class Node<K, V> {
    enum State {
        /** A placeholder while its loader reads the backend; waiters block until it resolves. */
        LOADING,
        /** In the cache. */
        RESIDENT,
        /** Evicted, invalidated or failed to load; no longer in the map. Never leaves this state. */
        RETIRED
    }

    enum Eviction {
        /** Retired by this call: remove it from the map and the LRU list. */
        EVICTED,
        /** Retired earlier (invalidated): only unlink it. */
        GONE,
        PINNED,
        /** Dirty or being written: now queued for a write-back outside the drain lock. */
        NEEDS_WRITE_BACK,
        /** Queued as a victim already, its write-back not yet done. */
        QUEUED
    }

    final K key;
    private volatile V value;
    private volatile State state;
    private boolean dirty;
    /** Bumped by every modification; a write-back clears {@code dirty} only if it wrote the latest. */
    private long version;
    private int pins;
    /** A write-back of this node is in flight; at most one at a time, so the backend sees them in order. */
    private boolean writing;
    /** The version the in-flight write-back is writing. */
    private long writingVersion;
    /**
     * The thread running an update function on this node, or null. While set, no write-back
     * captures the value and no put or other update replaces it (SPEC §2, update).
     */
    private Thread updater;
    /** Chosen as an eviction victim, waiting for its write-back outside the drain lock. */
    private boolean victim;

    // LRU links: guarded by the drain lock of the owning cache (AccessOrder).
    Node<K, V> prev;
    Node<K, V> next;
    boolean linked;

    private Node(K key, V value, State state, boolean dirty) {
        this.key = key;
        this.value = value;
        this.state = state;
        this.dirty = dirty;
    }

    static <K, V> Node<K, V> loading(K key) {
        return new Node<>(key, null, State.LOADING, false);
    }

    /**
     * Inserts a placeholder for an absent key and loads into it, so that a put racing with the
     * load wins and no stale backend value is ever inserted after a newer one was written back.
     * A failed load removes the placeholder; waiters on it look again.
     *
     * @return the resident node, or null if the key appeared first (the caller looks again)
     */
    static <K, V> Node<K, V> loadAbsent(ConcurrentMap<K, Node<K, V>> data, Backend<K, V> backend, K key)
            throws IOException {
        Node<K, V> placeholder = loading(key);
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
        return placeholder;
    }

    static <K, V> Node<K, V> dirty(K key, V value) {
        return new Node<>(key, value, State.RESIDENT, true);
    }

    /** Lock-free: the latest value, or null while loading. */
    V value() {
        return value;
    }

    State state() {
        return state;
    }

    synchronized boolean isDirty() {
        return dirty;
    }

    /** Waits until the load resolves; returns false if the node is retired (look it up again). */
    synchronized boolean awaitResident() {
        boolean interrupted = false;
        while (state == State.LOADING) {
            try {
                wait();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return state == State.RESIDENT;
    }

    /** The loader's success: a put that raced with the load wins, being newer than the backend. */
    synchronized V completeLoad(V loaded) {
        if (value == null) {
            value = loaded;
        }
        state = State.RESIDENT;
        notifyAll();
        return value;
    }

    /** The loader's failure: retire unless a put already filled the node. */
    synchronized boolean failLoad() {
        boolean retired = state == State.LOADING;
        if (retired) {
            state = State.RETIRED;
        }
        notifyAll();
        return retired;
    }

    /**
     * Replaces the value and marks it dirty; false if retired (look it up again). Waits for an
     * update in progress, so that its result does not overwrite this newer value.
     */
    synchronized boolean replace(V newValue) {
        awaitNoUpdate();
        if (state == State.RETIRED) {
            return false;
        }
        value = newValue;
        dirty = true;
        version++;
        if (state == State.LOADING) {
            state = State.RESIDENT;
            notifyAll();
        }
        return true;
    }

    /**
     * Runs {@code change} on the value with the update claim held, outside the monitor: no
     * write-back of this node is in flight or can begin, and no put or other update can land,
     * until it returns. So a change made in place is never written half done, and is written only
     * by a write-back that begins after it, which follows every {@code dependOn} that returned
     * before the update (SPEC §2.2, I-DEP-ORDER).
     *
     * @return the new value, or null if the node is retired (look it up again)
     * @throws NullPointerException if {@code change} returned null; the entry is still marked dirty
     *     (it may have changed the value in place before failing), as when {@code change} throws
     */
    V update(UnaryOperator<V> change) {
        V current;
        synchronized (this) {
            awaitIdle();
            if (state != State.RESIDENT) {
                return null;
            }
            updater = Thread.currentThread();
            current = value;
        }
        V changed = null;
        try {
            changed = change.apply(current);
            if (changed == null) {
                throw new NullPointerException("the update function of key " + key + " returned null");
            }
            return changed;
        } finally {
            endUpdate(changed);
        }
    }

    private synchronized void endUpdate(V changed) {
        if (changed != null) {
            value = changed;
        }
        dirty = true;
        version++;
        updater = null;
        notifyAll();
    }

    /**
     * Takes a pin. The node's first pin takes one of the cache's {@code capacity} pin slots
     * atomically, so at most {@code capacity} keys are ever pinned.
     *
     * @return false if retired (look it up again)
     * @throws CacheFullException if every slot is pinned; nothing changed
     */
    synchronized boolean tryPin(AtomicInteger pinnedKeys, int capacity) {
        if (state != State.RESIDENT) {
            return false;
        }
        if (pins == 0 && pinnedKeys.getAndUpdate(n -> n < capacity ? n + 1 : n) == capacity) {
            throw new CacheFullException(key, capacity);
        }
        pins++;
        return true;
    }

    synchronized void unpin(AtomicInteger pinnedKeys) {
        if (--pins == 0) {
            pinnedKeys.decrementAndGet();
        }
    }

    /**
     * The eviction decision, atomic with pin, put and write-back: a clean, unpinned, idle node is
     * retired here and can no longer be pinned or modified (SPEC I-PIN-RESIDENT, I-NO-LOST-DIRTY).
     */
    synchronized Eviction tryEvict() {
        if (state != State.RESIDENT) {
            return Eviction.GONE; // only RESIDENT nodes are ever linked, so this one was invalidated
        }
        if (pins > 0) {
            return Eviction.PINNED;
        }
        if (victim) {
            return Eviction.QUEUED;
        }
        if (dirty || writing || updater != null) {
            victim = true; // a flush's write-back in flight: the victim's waits for it, then sees clean
            return Eviction.NEEDS_WRITE_BACK;
        }
        state = State.RETIRED;
        return Eviction.EVICTED;
    }

    synchronized void victimWrittenBack() {
        victim = false;
    }

    enum Drop { NOT_RESIDENT, KEPT_PINNED, DROPPED_CLEAN, DROPPED_DIRTY }

    /**
     * Invalidation: retire unless pinned, saying whether an unwritten change was dropped. Waits
     * for a write-back in flight to end first: its value cannot be recalled from the backend, so
     * the entry must not leave the map before it lands, or a get in between would load the older
     * backend copy and keep it as clean (SPEC §2, invalidate).
     */
    synchronized Drop retireUnlessPinned() {
        awaitIdle();
        if (state != State.RESIDENT) {
            return Drop.NOT_RESIDENT; // still loading (it brings the backend's value) or already gone
        }
        if (pins > 0) {
            return Drop.KEPT_PINNED;
        }
        state = State.RETIRED;
        return dirty ? Drop.DROPPED_DIRTY : Drop.DROPPED_CLEAN;
    }

    /**
     * Starts a write-back: waits for one in flight to finish, then claims the node.
     *
     * @return the value to write, or null if nothing needs writing (clean, or dropped by invalidate)
     */
    synchronized V beginWriteBack() {
        awaitIdle();
        if (!dirty || state != State.RESIDENT) {
            return null;
        }
        writing = true;
        writingVersion = version;
        return value;
    }

    /** Waits, releasing the monitor, until neither a write-back nor an update of this node runs. */
    private void awaitIdle() {
        awaitWhile(true);
    }

    /** Waits, releasing the monitor, until no update of this node runs (a put need not wait for a write-back). */
    private void awaitNoUpdate() {
        awaitWhile(false);
    }

    /**
     * The one wait loop: until no update runs, and (if asked) no write-back is in flight. An
     * update function that calls back into its own entry would wait for itself forever: refused.
     */
    private void awaitWhile(boolean orWriting) {
        if (updater == Thread.currentThread()) {
            throw new IllegalStateException("the update function of key " + key + " called back into its entry");
        }
        boolean interrupted = false;
        while (updater != null || (orWriting && writing)) {
            try {
                wait();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * For {@code evictAll}: retire if resident, unpinned, clean and not a victim (maintenance
     * evicts those), after any write-back or update in progress.
     *
     * @return true if retired here (remove it from the map and the LRU list)
     */
    synchronized boolean retireIfClean() {
        awaitIdle();
        if (state != State.RESIDENT || pins > 0 || dirty || victim) {
            return false;
        }
        state = State.RETIRED;
        return true;
    }

    /** Ends a write-back; clean only if it succeeded and nothing changed since it began. */
    synchronized void endWriteBack(boolean succeeded) {
        writing = false;
        if (succeeded && version == writingVersion) {
            dirty = false;
        }
        notifyAll();
    }

    @Override
    public String toString() {
        return "Node[" + key + "=" + value + ", " + state + "]";
    }
}
