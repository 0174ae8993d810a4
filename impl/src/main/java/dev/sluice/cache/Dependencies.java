package dev.sluice.cache;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * One cache's outgoing flush-dependency edges: the caches whose dirty entries must reach the
 * backend before any of its own do.
 *
 * <p>Every cache's edges change only under {@link #GRAPH}, one lock shared by all caches, so that
 * "the target has no edges" and "add the edge" are one atomic step (SPEC I-DAG). It is a leaf
 * lock: held for a map copy, never across I/O or while taking another lock. Readers take the
 * volatile snapshot without it.
 *
 * <p>Each edge carries an epoch, renewed whenever {@code dependOn} names it again. A flush that
 * satisfied an edge consumes it only if the epoch is still the one it read before flushing; so a
 * {@code dependOn} that lands during that flush is not used up by it (SPEC §2.1, I-DEP-ORDER).
 */
final class Dependencies {
    private static final Object GRAPH = new Object();
    private static long lastEpoch; // guarded by GRAPH

    /** Copy-on-write under {@link #GRAPH}: target cache to the epoch of its edge. */
    private volatile Map<WriteBackCache<?, ?>, Long> edges = Map.of();

    /** The edges now, with their epochs; safe to iterate while they change. */
    Map<WriteBackCache<?, ?>, Long> snapshot() {
        return edges;
    }

    Set<WriteBackCache<?, ?>> targets() {
        return edges.keySet();
    }

    /**
     * Adds (or renews) the edge to {@code target} if that cannot close a cycle: the edge exists
     * already, or the target has no edges of its own (it is a sink, so nothing leads back).
     *
     * @return false if the target must first write back its own dependencies
     */
    boolean addIfTargetIsSink(WriteBackCache<?, ?> target, Dependencies targetEdges) {
        synchronized (GRAPH) {
            if (!edges.containsKey(target) && !targetEdges.edges.isEmpty()) {
                return false;
            }
            Map<WriteBackCache<?, ?>, Long> copy = new HashMap<>(edges);
            copy.put(target, ++lastEpoch);
            edges = Map.copyOf(copy);
            return true;
        }
    }

    /** Removes the edge if nobody renewed it since {@code epoch} was read. */
    void consume(WriteBackCache<?, ?> target, long epoch) {
        synchronized (GRAPH) {
            Long current = edges.get(target);
            if (current != null && current == epoch) {
                Map<WriteBackCache<?, ?>, Long> copy = new HashMap<>(edges);
                copy.remove(target);
                edges = Map.copyOf(copy);
            }
        }
    }

    void clear() {
        synchronized (GRAPH) {
            edges = Map.of();
        }
    }
}
