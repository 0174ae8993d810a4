package dev.sluice.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A failing check must explain itself: every JUnit assertion in the unit tests, properties and
 * lincheck tests carries a message that names what it checks, so that a red run says
 * "I-PIN-RESIDENT: key 3 is pinned but was evicted", not "expected: true but was: false". A message
 * names one of:
 * <ul>
 *   <li>an invariant of SPEC §5 ({@code I-PIN-RESIDENT: ...}), which must exist in SPEC.md;
 *   <li>a SPEC section for an operation's contract ({@code §2 errors: ...}, {@code §3 table ...});
 *   <li>{@code harness: }, for the test's own staging (a latch that must open, a thread that must end);
 *   <li>{@code docs: }, for documentation kept in step with code (the README's quoted example).
 * </ul>
 * The message is the assertion's last argument: a string, a supplier, or an expression that
 * starts with a local {@code String} whose literal names one of the above. JUnit itself adds the
 * expected and actual values of {@code assertEquals}; an {@code assertTrue} message should show
 * the values it judged.
 */
class AssertionMessagesTest {
    private static final List<Path> SOURCES = List.of(Path.of("../impl/src/test/java"),
            Path.of("../spec/src/test/java"), Path.of("../model/src/test/java"), Path.of("../stress/src/test/java"));
    /** Checks the gate script, not the cache: each of its messages prints the gate's whole output. */
    private static final Set<String> EXEMPT = Set.of("GateSelfTest.java");
    private static final Pattern ASSERTION = Pattern.compile(
            "\\b(assertTrue|assertFalse|assertNull|assertNotNull|assertEquals|assertNotEquals|assertSame"
            + "|assertThrows|assertTimeoutPreemptively|assertInstanceOf|assertDoesNotThrow)\\(");
    /** Arguments an assertion has when it carries a message. */
    private static final Map<String, Integer> WITH_MESSAGE = Map.ofEntries(Map.entry("assertTrue", 2),
            Map.entry("assertFalse", 2), Map.entry("assertNull", 2), Map.entry("assertNotNull", 2),
            Map.entry("assertEquals", 3), Map.entry("assertNotEquals", 3), Map.entry("assertSame", 3),
            Map.entry("assertThrows", 3), Map.entry("assertTimeoutPreemptively", 3),
            Map.entry("assertInstanceOf", 3), Map.entry("assertDoesNotThrow", 2));
    private static final Pattern NAMED = Pattern.compile("\"[^\"]*?(I-[A-Z][A-Z-]*[A-Z]|§\\d|harness: |docs: )");

    @Test
    void everyAssertionNamesTheInvariantOrContractItChecks() throws IOException {
        String spec = Files.readString(Path.of("SPEC.md"));
        List<String> unnamed = new ArrayList<>();
        Set<String> unknown = new TreeSet<>();
        int assertions = 0;
        for (Path root : SOURCES) {
            List<Path> files;
            try (Stream<Path> walk = Files.walk(root)) {
                files = walk.filter(p -> p.toString().endsWith(".java")).sorted().toList();
            }
            for (Path file : files) {
                if (EXEMPT.contains(file.getFileName().toString())) {
                    continue;
                }
                String source = Files.readString(file);
                Matcher m = ASSERTION.matcher(source);
                while (m.find()) {
                    if (source.lastIndexOf("import", m.start()) > source.lastIndexOf('\n', m.start())) {
                        continue; // the static import itself
                    }
                    assertions++;
                    List<String> args = arguments(source, m.end());
                    String message = args.size() >= WITH_MESSAGE.get(m.group(1)) ? args.get(args.size() - 1) : null;
                    String name = message == null ? null : named(message, source);
                    if (name == null) {
                        int line = (int) source.substring(0, m.start()).chars().filter(c -> c == '\n').count() + 1;
                        unnamed.add(file.normalize() + ":" + line + " " + m.group(1) + "(" + abbreviate(String.join(", ", args)) + ")");
                    } else if (name.startsWith("I-") && !spec.contains("**" + name + ".**")) {
                        unknown.add(name);
                    }
                }
            }
        }
        assertTrue(assertions > 250, "harness: found only " + assertions + " assertions; is the scan looking in the right place?");
        assertTrue(unnamed.isEmpty(), "§5: these assertions do not name the invariant or contract they check (see"
                + " this class's comment for the forms a message takes):\n" + String.join("\n", unnamed));
        assertEquals(Set.of(), unknown, "§5: assertion messages name invariants that SPEC.md §5 does not define");
    }

    /** The invariant, section or marker a message names, or null. */
    private static String named(String message, String source) {
        Matcher literal = NAMED.matcher(message);
        if (literal.find()) {
            return literal.group(1);
        }
        Matcher variable = Pattern.compile("^([A-Za-z_]\\w*)\\b").matcher(message);
        if (variable.find()) {
            Matcher definition = Pattern.compile("String " + variable.group(1) + " = (\"[^\"]*)").matcher(source);
            while (definition.find()) {
                Matcher inDefinition = NAMED.matcher(definition.group(1) + "\"");
                if (inDefinition.find()) {
                    return inDefinition.group(1);
                }
            }
        }
        return null;
    }

    /** The top-level arguments of the call whose '(' ends just before {@code from}. */
    static List<String> arguments(String s, int from) {
        List<String> args = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int depth = 0;
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\'') {
                int end = i + 1;
                while (s.charAt(end) != c) {
                    end += s.charAt(end) == '\\' ? 2 : 1;
                }
                current.append(s, i, end + 1);
                i = end;
                continue;
            }
            if (c == '/' && s.startsWith("//", i)) {
                i = s.indexOf('\n', i); // a line comment inside the call
                continue;
            }
            if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                if (depth == 0) {
                    args.add(current.toString().trim());
                    return args;
                }
                depth--;
            } else if (c == ',' && depth == 0) {
                args.add(current.toString().trim());
                current.setLength(0);
                continue;
            }
            current.append(c);
        }
        throw new IllegalStateException("unbalanced call at offset " + from);
    }

    private static String abbreviate(String text) {
        String flat = text.replaceAll("\\s+", " ");
        return flat.length() > 100 ? flat.substring(0, 100) + "..." : flat;
    }
}
