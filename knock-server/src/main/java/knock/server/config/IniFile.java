package knock.server.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import knock.config.ConfigException;
import knock.config.TextFile;

/**
 * The syntax layer of knock's config files: {@code [kind NAME]} section headers, {@code key = value} lines,
 * comments from {@code #} or {@code ;} (at the start of a line or after a space) to the end of a line, blank
 * lines. Knows nothing of what keys mean; it
 * keeps each line number so that later checks can blame the right line.
 */
final class IniFile {

    /** A {@code key = value} line. */
    record Entry(String key, String value, int line) {
    }

    /** A section header and its entries, in file order. */
    record Section(String kind, String name, int line, Map<String, Entry> entries) {
    }

    private static final Pattern HEADER = Pattern.compile("\\[\\s*([A-Za-z][A-Za-z0-9_-]*)(?:\\s+(\\S+))?\\s*]");
    private static final Pattern ENTRY = Pattern.compile("([A-Za-z][A-Za-z0-9_-]*)\\s*=\\s*(.*)");

    private final String where;
    private final List<Section> sections;

    private IniFile(String where, List<Section> sections) {
        this.where = where;
        this.sections = sections;
    }

    String where() {
        return where;
    }

    String where(int line) {
        return where + ":" + line;
    }

    List<Section> sections() {
        return sections;
    }

    static IniFile read(Path file) {
        String where = file.toString();
        return parse(where, TextFile.lines(file, where, "a config file"));
    }

    static IniFile parse(String where, List<String> lines) {
        List<Section> sections = new ArrayList<>();
        Section current = null;
        for (int i = 0; i < lines.size(); i++) {
            int number = i + 1;
            String line = stripComment(lines.get(i)).strip();
            if (line.isEmpty()) {
                continue;
            }
            Matcher header = HEADER.matcher(line);
            if (header.matches()) {
                current = new Section(header.group(1), header.group(2), number, new LinkedHashMap<>());
                sections.add(current);
                continue;
            }
            Matcher entry = ENTRY.matcher(line);
            if (!entry.matches()) {
                throw new ConfigException(where + ":" + number,
                        "cannot read '" + clip(line) + "' (expected: key = value, or a [section] header)");
            }
            String key = entry.group(1);
            if (current == null) {
                throw new ConfigException(where + ":" + number,
                        "key '" + key + "' outside a section (expected: [server] or [sequence NAME] first)");
            }
            Entry previous = current.entries().get(key);
            if (previous != null) {
                throw new ConfigException(where + ":" + number,
                        "key '" + key + "' repeated (expected: once per section; first set at line "
                                + previous.line() + ")");
            }
            current.entries().put(key, new Entry(key, entry.group(2).strip(), number));
        }
        return new IniFile(where, sections);
    }

    /**
     * Cuts a comment: a line led by {@code #} or {@code ;}, or either after a space or tab ({@code steps = 7000
     * # the knock}). No value contains a space followed by either, so the cut never eats a value.
     */
    static String stripComment(String line) {
        String t = line.stripLeading();
        if (t.startsWith("#") || t.startsWith(";")) {
            return "";
        }
        for (int i = 1; i < line.length(); i++) {
            char c = line.charAt(i);
            char before = line.charAt(i - 1);
            if ((c == '#' || c == ';') && (before == ' ' || before == '\t')) {
                return line.substring(0, i);
            }
        }
        return line;
    }

    private static String clip(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
