package knock.server.config;

import java.util.List;
import java.util.stream.Collectors;

import knock.config.ConfigException;

/**
 * The parsed values of one section, checked against the keys that section may hold. Unknown keys are errors,
 * never ignored: a typo must not silently leave a default in force.
 */
final class Values {

    private final IniFile file;
    private final IniFile.Section section;

    Values(IniFile file, IniFile.Section section, List<Setting<?>> allowed) {
        this.file = file;
        this.section = section;
        for (IniFile.Entry entry : section.entries().values()) {
            if (allowed.stream().noneMatch(s -> s.key().equals(entry.key()))) {
                throw new ConfigException(file.where(entry.line()), "unknown key '" + entry.key() + "' in "
                        + title() + " (expected one of: "
                        + allowed.stream().map(Setting::key).collect(Collectors.joining(", ")) + ")");
            }
        }
    }

    String title() {
        return "[" + section.kind() + (section.name() == null ? "" : " " + section.name()) + "]";
    }

    <T> T get(Setting<T> setting) {
        IniFile.Entry entry = section.entries().get(setting.key());
        if (entry == null) {
            if (setting.required()) {
                throw new ConfigException(file.where(section.line()), title() + " has no '" + setting.key()
                        + "' (expected: " + setting.key() + " = " + setting.expected() + ")");
            }
            return setting.defaultValue();
        }
        try {
            return setting.parse(entry.value());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(file.where(entry.line()), e.getMessage());
        }
    }

    /** Whether the section sets the key. */
    boolean has(Setting<?> setting) {
        return section.entries().containsKey(setting.key());
    }

    /** The line that sets the key, or the section's line where it is absent. */
    int line(Setting<?> setting) {
        IniFile.Entry entry = section.entries().get(setting.key());
        return entry == null ? section.line() : entry.line();
    }

    /** The config file, as messages name it (its path when read from a file). */
    String file() {
        return file.where();
    }

    /** Where to blame a problem with this setting's value: its line, or the section's where it is absent. */
    String where(Setting<?> setting) {
        IniFile.Entry entry = section.entries().get(setting.key());
        return file.where(entry == null ? section.line() : entry.line());
    }
}
