package dev.sluice.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.Generate;

/**
 * Property 2 of SPEC.md, cycle handling: for any sequence of puts, flushes and dependOn calls
 * over 2 to 4 caches, every call returns, the final edges form a DAG (I-DAG), and each dependOn
 * wrote back exactly what SPEC.md says it writes: nothing if the edge exists or the target has no
 * dependencies, else every entry the target's dependencies (and theirs, first) hold dirty. The
 * caches hold every key (capacity 8 > 4 keys), so no eviction consumes an edge early and the
 * model's edges are the real ones.
 */
class CycleProperties {
    @Test
    void dependOnKeepsTheGraphAcyclicAndFlushesWhatTheSpecSays() {
        Seeds.qt("CycleProperties", 300)
                .forAll(Generate.range(2, 4).flatMap(n -> Op.lists(n, 40).map(ops -> new FlushOrderProperties.Example(n, ops))))
                .checkAssert(CycleProperties::run);
    }

    static void run(FlushOrderProperties.Example example) {
        try (Harness h = new Harness(example.caches(), 8)) {
            for (int i = 0; i < example.ops().size(); i++) {
                Op op = example.ops().get(i);
                if (op.kind() == Op.Kind.GET || op.kind() == Op.Kind.CLEAN_UP) {
                    continue; // reads change no edge and write nothing here
                }
                int logBefore = h.log.size();
                int modelBefore = h.modelLog.size();
                h.applyBounded(op, i + 1);
                if (op.kind() == Op.Kind.DEPEND_ON) {
                    List<String> wrote = sorted(h.log.subList(logBefore, h.log.size()));
                    List<String> specified = sorted(h.modelLog.subList(modelBefore, h.modelLog.size()));
                    assertEquals(specified, wrote, "§2.1 dependOn: " + op + " (op " + (i + 1) + ") wrote back other than SPEC says");
                    for (int c = 0; c < h.caches; c++) {
                        assertEquals(names(h.models.get(c).dependencies()), names(h.impl.get(c).dependencies(), h),
                                "§2.1 dependOn: edges of " + Op.name(c) + " after " + op);
                    }
                }
                assertNull(h.violation, () -> "I-DEP-ORDER violated: " + h.violation);
                assertNull(h.cycle(), () -> "I-DAG violated: " + h.cycle());
            }
        } catch (IOException e) {
            throw new AssertionError("no faults were injected, yet: " + e, e);
        }
    }

    private static List<String> sorted(List<String> entries) {
        List<String> copy = new ArrayList<>(entries);
        copy.sort(null);
        return copy;
    }

    private static List<String> names(java.util.Set<? extends dev.sluice.model.CacheModel<?, ?>> models) {
        List<String> names = new ArrayList<>();
        models.forEach(m -> names.add(m.name()));
        names.sort(null);
        return names;
    }

    private static List<String> names(java.util.Set<? extends dev.sluice.cache.WriteBackCache<?, ?>> caches, Harness h) {
        List<String> names = new ArrayList<>();
        caches.forEach(c -> names.add(Op.name(h.impl.indexOf(c))));
        names.sort(null);
        return names;
    }
}
