package dev.sluice.cache;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** {@link WriteBackCache#invalidate()}'s walk over the map (SPEC §2, invalidate). */
final class Invalidation {
    private Invalidation() {}

    /**
     * Drops every unpinned entry without writing it back (each after its write-back in flight, if
     * any, has landed: see {@link Node#retireUnlessPinned}), tells the policy through {@code unlink} and
     * the backend through {@link Backend#discarded}. Every entry is visited even if
     * {@code discarded} throws; the first such failure is thrown after the walk, the others
     * suppressed in it.
     *
     * @param kept receives the keys that stayed because they are pinned
     */
    static <K, V> void dropUnpinned(Map<K, Node<K, V>> data, Backend<K, V> backend,
            Consumer<Node<K, V>> unlink, List<Object> kept) {
        RuntimeException discardFailure = null;
        for (Node<K, V> node : data.values()) {
            Node.Drop drop = node.retireUnlessPinned();
            if (drop == Node.Drop.KEPT_PINNED) {
                kept.add(node.key);
            } else if (drop != Node.Drop.NOT_RESIDENT) {
                data.remove(node.key, node);
                unlink.accept(node);
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
        if (discardFailure != null) {
            throw discardFailure;
        }
    }
}
