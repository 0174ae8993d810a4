package dev.sluice.cache;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One conformance trace file (grammar: spec/PORTING.md). Data-driven, in the style of
 * etcd-raft's testdata: each step is a command line, a line of four dashes, and the expected
 * output up to the next blank line; lines starting with {@code #} are comments and belong to the
 * step after them. {@link #render} writes the file back with new outputs (the rewrite mode).
 */
final class Trace {
    static final String SEPARATOR = "----";
    /** Opens a group of indented lines whose order is free. */
    static final String ANY_ORDER = "any-order:";
    static final String INDENT = "  ";

    /** A command, the comments above it, where it is, and what it must print. */
    record Step(List<String> comments, String command, int line, List<String> expected) { }

    final Path path;
    final List<Step> steps;
    final List<String> trailingComments;

    private Trace(Path path, List<Step> steps, List<String> trailingComments) {
        this.path = path;
        this.steps = steps;
        this.trailingComments = trailingComments;
    }

    static Trace read(Path path) throws IOException {
        List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        List<Step> steps = new ArrayList<>();
        List<String> comments = new ArrayList<>();
        int i = 0;
        while (i < lines.size()) {
            String line = lines.get(i);
            if (line.isBlank()) {
                i++;
                continue;
            }
            if (line.startsWith("#")) {
                comments.add(line);
                i++;
                continue;
            }
            int commandLine = i + 1;
            if (i + 1 >= lines.size() || !lines.get(i + 1).equals(SEPARATOR)) {
                throw new IllegalArgumentException(path.getFileName() + ":" + commandLine
                        + ": a command must be followed by a line '" + SEPARATOR + "': " + line);
            }
            i += 2;
            List<String> expected = new ArrayList<>();
            while (i < lines.size() && !lines.get(i).isBlank()) {
                expected.add(lines.get(i++));
            }
            steps.add(new Step(List.copyOf(comments), line.strip(), commandLine, List.copyOf(expected)));
            comments.clear();
        }
        return new Trace(path, steps, List.copyOf(comments));
    }

    /** The file with each step's output replaced by {@code outputs.get(step)}. */
    String render(List<List<String>> outputs) {
        StringBuilder text = new StringBuilder();
        for (int s = 0; s < steps.size(); s++) {
            Step step = steps.get(s);
            if (s > 0) {
                text.append('\n');
            }
            step.comments().forEach(c -> text.append(c).append('\n'));
            text.append(step.command()).append('\n').append(SEPARATOR).append('\n');
            outputs.get(s).forEach(o -> text.append(o).append('\n'));
        }
        if (!trailingComments.isEmpty()) {
            text.append('\n');
            trailingComments.forEach(c -> text.append(c).append('\n'));
        }
        return text.toString();
    }

    /**
     * Whether {@code actual} is what {@code expected} allows. Lines must be equal, except that a
     * line {@code any-order:} opens a group of the indented lines after it, which the actual
     * output must hold in some order (where SPEC leaves the order free: a set of writes).
     */
    static boolean matches(List<String> expected, List<String> rendered) {
        List<String> actual = new ArrayList<>();
        for (String line : rendered) {
            if (!line.equals(ANY_ORDER)) {
                actual.add(line.startsWith(INDENT) ? line.substring(INDENT.length()) : line);
            }
        }
        int a = 0;
        for (int e = 0; e < expected.size(); e++) {
            String line = expected.get(e);
            if (!line.equals(ANY_ORDER)) {
                if (a >= actual.size() || !actual.get(a).equals(line)) {
                    return false;
                }
                a++;
                continue;
            }
            List<String> group = new ArrayList<>();
            while (e + 1 < expected.size() && expected.get(e + 1).startsWith(INDENT)) {
                group.add(expected.get(++e).substring(INDENT.length()));
            }
            if (a + group.size() > actual.size()) {
                return false;
            }
            List<String> got = new ArrayList<>(actual.subList(a, a + group.size()));
            for (String g : group) {
                if (!got.remove(g)) {
                    return false;
                }
            }
            a += group.size();
        }
        return a == actual.size();
    }
}
