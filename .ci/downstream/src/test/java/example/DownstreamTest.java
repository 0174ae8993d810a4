package example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.cache.Backend;
import dev.sluice.cache.Pin;
import dev.sluice.cache.WriteBackCache;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** A consumer of the installed jar: the public API, from outside the project. */
class DownstreamTest {
    @Test
    void dirtyValuesReachTheBackendAndEvictionsWriteBack() throws IOException {
        Map<String, String> disk = new ConcurrentHashMap<>();
        Backend<String, String> backend = new Backend<>() {
            @Override
            public String load(String key) {
                return disk.getOrDefault(key, "");
            }

            @Override
            public void write(String key, String value) {
                disk.put(key, value);
            }
        };
        WriteBackCache<String, String> cache = new WriteBackCache<>(backend, 2, Runnable::run);
        for (int i = 0; i < 10; i++) {
            cache.put("k" + i, "v" + i);
        }
        try (Pin<String> pin = cache.pin("k9")) {
            assertEquals("v9", pin.value(), "a pin sees the latest put");
        }
        cache.flush();
        for (int i = 0; i < 10; i++) {
            assertEquals("v" + i, disk.get("k" + i), "I-NO-LOST-DIRTY: every put reached the backend");
        }
        assertTrue(cache.residentCount() <= 2, "I-BOUND: resident " + cache.residentCount() + " > capacity 2");
    }

    @Test
    void theProductionJarHoldsNoDeliberatelyWrongVariant() {
        for (String seed : new String[] {"dev.sluice.drain.SeedIdleArmDrainStatus", "dev.sluice.drain.SeedEntryStoreDrainStatus"}) {
            assertThrows(ClassNotFoundException.class, () -> Class.forName(seed),
                    "docs: " + seed + " belongs to impl's test jar, not to what a team depends on");
        }
    }
}
