package dev.sluice.readme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.cache.Backend;
import dev.sluice.cache.WriteBackCache;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * The README's "Using the cache" example, compiled and run. The README quotes the lines between
 * the {@code README:begin} and {@code README:end} markers verbatim, and
 * {@link #theReadmeQuotesThisExampleVerbatim} fails if the two drift apart. It uses only the public
 * API, from a package of its own.
 */
class ReadmeExampleTest {

    @Test
    void theRefcountReachesTheDiskBeforeThePointerThatNamesIt() throws IOException {
        // README:begin
        List<String> writes = Collections.synchronizedList(new ArrayList<>()); // one disk's log
        /** One disk holding two tables; a real one would write sectors. */
        final class Table implements Backend<Integer, Integer> {
            final String name;
            final Map<Integer, Integer> disk = new ConcurrentHashMap<>();

            Table(String name) {
                this.name = name;
            }

            @Override
            public Integer load(Integer key) {
                return disk.getOrDefault(key, 0);
            }

            @Override
            public void write(Integer key, Integer value) throws IOException {
                writes.add(name + "[" + key + "]=" + value); // what reached the disk, in order
                disk.put(key, value);
            }
        }
        Table refcountTable = new Table("refcount");
        Table l2Table = new Table("l2");
        WriteBackCache<Integer, Integer> refcounts = new WriteBackCache<>(refcountTable, 64);
        WriteBackCache<Integer, Integer> l2 = new WriteBackCache<>(l2Table, 64);

        int cluster = 7;
        int slot = 3;
        refcounts.put(cluster, 1);
        l2.dependOn(refcounts);   // the pointer below reaches the disk after the refcount above
        l2.put(slot, cluster);
        l2.flush();               // writes refcount[7]=1, then l2[3]=7
        // README:end

        assertEquals(List.of("refcount[7]=1", "l2[3]=7"), writes,
                "I-DEP-ORDER: the refcount must reach the disk before the L2 pointer that names it");
        assertEquals(0, l2.dirtyCount() + refcounts.dirtyCount(),
                "I-NO-LOST-DIRTY: a successful flush leaves nothing dirty in either cache");
    }

    @Test
    void theReadmeQuotesThisExampleVerbatim() throws IOException {
        String source = Files.readString(Path.of("src/test/java/dev/sluice/readme/ReadmeExampleTest.java"));
        String example = source.substring(source.indexOf("// README:begin\n") + "// README:begin\n".length(),
                source.indexOf("        // README:end"));
        String unindented = example.replaceAll("(?m)^        ", "");
        String readme = Files.readString(Path.of("../README.md"));
        assertTrue(readme.contains("```java\n" + unindented + "```\n"),
                "docs: README.md must quote the example between the README markers of this file verbatim, as a ```java"
                        + " block; copy it from here:\n" + unindented);
    }
}
