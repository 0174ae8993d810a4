package dev.sluice.cache;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** The error codes of the traces (PORTING.md, "Error codes"), from what the cache threw. */
final class TraceErrors {
    private TraceErrors() { }

    /** What the {@code fail} update function throws. */
    static final class FunctionFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        FunctionFailed() {
            super("the trace's update function failed");
        }
    }

    static String code(Throwable t) {
        String message = String.valueOf(t.getMessage());
        if (t instanceof CacheFullException) {
            return "CacheFull";
        }
        if (t instanceof EntriesPinnedException pinned) {
            return "EntriesPinned" + pinned.keys().stream().map(String::valueOf).sorted()
                    .collect(Collectors.joining(",", "[", "]"));
        }
        if (t instanceof IOException) {
            return "Io" + failures(t);
        }
        if (t instanceof TraceBackend.InjectedError) {
            return "Error" + failures(t);
        }
        if (t instanceof FunctionFailed) {
            return "FunctionFailed";
        }
        if (t instanceof IllegalArgumentException) {
            if (message.contains("depend on itself")) {
                return "SelfDependency";
            }
            for (String name : List.of("capacity", "drainBatch", "read buffer capacity", "write buffer capacity", "batch")) {
                if (message.startsWith(name + " must be")) {
                    return "IllegalArgument(" + camel(name) + ")";
                }
            }
        }
        if (t instanceof NullPointerException) {
            if (message.endsWith("returned null")) {
                return message.contains("update function") ? "NullResult(update)" : "NullResult(load)";
            }
            if (List.of("key", "value", "change", "other").contains(message)) {
                return "NullArgument(" + message + ")";
            }
        }
        if (t instanceof IllegalStateException && message.matches("pin of .* is closed")) {
            return "PinClosed";
        }
        return "Unexpected(" + t + ")"; // never in a correct trace: the diff shows what was thrown
    }

    /** {first, suppressed} as one sorted set: which failure is thrown first is not specified. */
    private static String failures(Throwable t) {
        List<String> all = new ArrayList<>();
        all.add(t.getMessage());
        for (Throwable s : t.getSuppressed()) {
            all.add(s.getMessage());
        }
        return all.stream().sorted().collect(Collectors.joining(", ", "{", "}"));
    }

    private static String camel(String words) {
        String[] parts = words.split(" ");
        StringBuilder name = new StringBuilder(parts[0]);
        for (int i = 1; i < parts.length; i++) {
            name.append(Character.toUpperCase(parts[i].charAt(0))).append(parts[i].substring(1));
        }
        return name.toString();
    }
}
