package dev.sluice.cache;

import java.io.IOException;

/**
 * The write-back protocol of SPEC §2.2, for one cache: how an entry's dirty value reaches the
 * backend after everything its cache depends on (I-DEP-ORDER), at most one write-back per entry
 * at a time, with no lock held during the I/O. Kept apart from {@link WriteBackCache} because it
 * is the part a port must get exactly right, and it reads best on its own.
 */
final class WriteBackProtocol<K, V> {
    private final Backend<K, V> backend;
    private final Dependencies dependencies;
    private final Maintenance<K, V> maintenance;

    WriteBackProtocol(Backend<K, V> backend, Dependencies dependencies, Maintenance<K, V> maintenance) {
        this.backend = backend;
        this.dependencies = dependencies;
        this.maintenance = maintenance;
    }

    /** Writes back every dependency, consuming each edge it satisfied. */
    void writeBackDependencies() throws IOException {
        for (var edge : dependencies.snapshot().entrySet()) {
            edge.getKey().flush();
            dependencies.consume(edge.getKey(), edge.getValue());
        }
    }

    /**
     * One entry's write-back, at most one per entry at a time, no lock held during the I/O. The
     * order matters (SPEC §2.2, I-DEP-ORDER): write back the dependencies, <em>then</em> claim
     * the entry and capture its value, then look at the edges again. If an edge is there now
     * (a {@code dependOn} that returned before a {@code put} whose value we captured), release
     * the claim, write back the dependencies and start again. The claim is never held while
     * flushing another cache, so two write-backs can never wait for each other's entries. On
     * failure the entry stays dirty; it is clean afterwards only if nothing changed it meanwhile.
     */
    void writeBack(Node<K, V> node) throws IOException {
        V value;
        for (;;) {
            writeBackDependencies();
            value = node.beginWriteBack();
            if (value == null) {
                return;
            }
            // Volatile read of the copy-on-write edges, after the claim's monitor exit: any
            // dependOn that returned before the put of the captured value is seen here.
            if (dependencies.snapshot().isEmpty()) {
                break;
            }
            node.endWriteBack(false); // release the claim: nothing was written
        }
        boolean succeeded = false;
        try {
            backend.write(node.key, value);
            succeeded = true;
        } finally {
            node.endWriteBack(succeeded);
        }
        maintenance.writeBackSucceeded();
    }
}
