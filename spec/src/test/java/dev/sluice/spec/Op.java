package dev.sluice.spec;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

/**
 * One generated operation, decoded from a single int so that QuickTheories shrinks it toward the
 * simplest one (0 decodes to "get key 0 of cache A"). Lists are generated as optionals and the
 * empties dropped, so shrinking can delete operations anywhere, not only at the tail.
 */
record Op(Kind kind, int cache, int other, int key, boolean fault) {
    enum Kind { GET, PUT, FLUSH, DEPEND_ON, CLEAN_UP }

    static final int KEYS = 4;

    static Op decode(int code, int caches) {
        Kind kind = Kind.values()[code % Kind.values().length];
        code /= Kind.values().length;
        int cache = code % caches;
        code /= caches;
        int other = code % caches;
        code /= caches;
        int key = code % KEYS;
        code /= KEYS;
        return new Op(kind, cache, other, key, code % 4 == 1);
    }

    /** Lists of 0 to {@code maxOps} operations over {@code caches} caches. */
    static Gen<List<Op>> lists(int caches, int maxOps) {
        Gen<Optional<Op>> one = Generate.range(0, 1 << 16).map(code -> decode(code, caches)).toOptionals(25);
        return SourceDSL.lists().of(one).ofSizeBetween(0, maxOps)
                .map(ops -> ops.stream().flatMap(Optional::stream).collect(Collectors.toList()));
    }

    static String name(int cache) {
        return String.valueOf((char) ('A' + cache));
    }

    @Override
    public String toString() {
        switch (kind) {
            case PUT: return name(cache) + ".put(" + key + ")" + (fault ? "!" : "");
            case GET: return name(cache) + ".get(" + key + ")" + (fault ? "!" : "");
            case FLUSH: return name(cache) + ".flush()" + (fault ? "!" : "");
            case DEPEND_ON: return name(cache) + ".dependOn(" + name(other) + ")" + (fault ? "!" : "");
            default: return name(cache) + ".cleanUp()";
        }
    }
}
