package knock.server.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import knock.config.ConfigException;
import knock.config.TextFile;
import knock.spa.SshSig;
import knock.spa.SshWire;

/**
 * Reads the {@code authorized-keys} file: sshd's authorized_keys format ({@code [options] ssh-ed25519 BASE64
 * [comment]}, {@code #} comments), so a user's existing {@code id_ed25519.pub} line is pasted as it is. Options
 * are knock's own: {@code from="CIDR,..."}, {@code sequences="NAME,..."}, {@code admit="CIDR,..."}; any other is
 * an error, as is any key type but Ed25519. Errors name {@code file:line}.
 */
public final class AuthorizedKeysFile {

    /** Most keys in one file: the server indexes them by fingerprint; thousands of users is a different tool. */
    public static final int MAX_KEYS = 10_000;

    private static final Pattern OPTION = Pattern.compile("([a-z-]+)=\"([^\"]*)\"");
    private static final Pattern SEQUENCE_NAME = Pattern.compile("[a-z][a-z0-9_]{0,15}");
    private static final Set<String> OTHER_TYPES = Set.of("ssh-rsa", "ssh-dss", "ecdsa-sha2-nistp256",
            "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "sk-ssh-ed25519@openssh.com",
            "sk-ecdsa-sha2-nistp256@openssh.com");

    private AuthorizedKeysFile() {
    }

    /** The keys of {@code file}, in file order. */
    public static List<AuthorizedKey> read(Path file) {
        String name = file.toString();
        List<String> lines = TextFile.lines(file, name, "an authorized_keys file of ssh-ed25519 keys");
        return parse(name, lines);
    }

    static List<AuthorizedKey> parse(String name, List<String> lines) {
        List<AuthorizedKey> keys = new ArrayList<>();
        Map<String, String> seen = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = name + ":" + (i + 1);
            AuthorizedKey key = line(where, line);
            String fingerprint = SshSig.format(key.fingerprint());
            String before = seen.putIfAbsent(fingerprint, where);
            if (before != null) {
                throw new ConfigException(where, "key " + fingerprint + " repeats " + before
                        + " (expected: one line per key, its options together)");
            }
            if (keys.size() == MAX_KEYS) {
                throw new ConfigException(where, "key " + (MAX_KEYS + 1) + " (expected: at most " + MAX_KEYS + ")");
            }
            keys.add(key);
        }
        return List.copyOf(keys);
    }

    private static AuthorizedKey line(String where, String line) {
        List<Cidr> from = List.of();
        List<Cidr> admit = List.of();
        Set<String> sequences = Set.of();
        String rest = line;
        boolean typed = false;
        for (String word : line.split("\\s+")) {
            typed |= word.equals(SshSig.ED25519) || OTHER_TYPES.contains(word);
        }
        if (!typed) {
            throw new ConfigException(where, "'" + abbreviate(line) + "' (expected: [options] ssh-ed25519 BASE64 "
                    + "[comment], as in an id_ed25519.pub file)");
        }
        if (!startsWithKeyType(rest)) {
            int end = optionsEnd(rest);
            String options = rest.substring(0, end);
            rest = rest.substring(end).strip();
            for (String option : splitOptions(where, options)) {
                Matcher m = OPTION.matcher(option);
                if (!m.matches()) {
                    throw new ConfigException(where, "option '" + option + "' (expected: from=\"CIDR,...\", "
                            + "sequences=\"NAME,...\" or admit=\"CIDR,...\" before the key)");
                }
                String value = m.group(2);
                switch (m.group(1)) {
                    case "from" -> from = networks(where, "from", value);
                    case "admit" -> admit = networks(where, "admit", value);
                    case "sequences" -> sequences = names(where, value);
                    default -> throw new ConfigException(where, "unknown option '" + m.group(1)
                            + "' (expected: from, sequences or admit)");
                }
            }
        }
        String[] words = rest.split("\\s+", 3);
        String type = words[0];
        if (OTHER_TYPES.contains(type)) {
            throw new ConfigException(where, type + " key (expected: ssh-ed25519; knocks are signed with Ed25519 "
                    + "keys, made with ssh-keygen -t ed25519)");
        }
        if (!type.equals(SshSig.ED25519) || words.length < 2) {
            throw new ConfigException(where, "'" + abbreviate(line) + "' (expected: [options] ssh-ed25519 BASE64 "
                    + "[comment], as in an id_ed25519.pub file)");
        }
        byte[] publicKey = blob(where, words[1]);
        return new AuthorizedKey(publicKey, SshSig.fingerprint(publicKey), from, sequences, admit,
                words.length > 2 ? words[2] : "", where);
    }

    private static boolean startsWithKeyType(String s) {
        String first = s.split("\\s+", 2)[0];
        return first.equals(SshSig.ED25519) || OTHER_TYPES.contains(first);
    }

    /** Where the options end: the first blank outside double quotes. */
    private static int optionsEnd(String s) {
        boolean quoted = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && Character.isWhitespace(c)) {
                return i;
            }
        }
        return s.length();
    }

    private static List<String> splitOptions(String where, String options) {
        List<String> out = new ArrayList<>();
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < options.length(); i++) {
            char c = options.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                out.add(options.substring(start, i));
                start = i + 1;
            }
        }
        if (quoted) {
            throw new ConfigException(where, "unclosed '\"' in the options (expected: name=\"value\")");
        }
        out.add(options.substring(start));
        return out;
    }

    private static List<Cidr> networks(String where, String option, String value) {
        List<Cidr> out = new ArrayList<>();
        for (String word : value.split("[\\s,]+")) {
            if (!word.isEmpty()) {
                try {
                    out.add(Cidr.parse(option, word, "addresses or networks such as 203.0.113.7 or 2001:db8::/32"));
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(where, e.getMessage());
                }
            }
        }
        if (out.isEmpty()) {
            throw new ConfigException(where, option + "=\"\" (expected: at least one address or network)");
        }
        return out;
    }

    private static Set<String> names(String where, String value) {
        Set<String> out = new LinkedHashSet<>();
        for (String word : value.split("[\\s,]+")) {
            if (word.isEmpty()) {
                continue;
            }
            if (!SEQUENCE_NAME.matcher(word).matches()) {
                throw new ConfigException(where, "sequences '" + word + "' (expected: sequence names)");
            }
            out.add(word);
        }
        if (out.isEmpty()) {
            throw new ConfigException(where, "sequences=\"\" (expected: at least one sequence name)");
        }
        return out;
    }

    /** The 32-byte key inside an OpenSSH ssh-ed25519 blob in base64. */
    private static byte[] blob(String where, String base64) {
        try {
            return SshSig.publicKey(Base64.getDecoder().decode(base64));
        } catch (IllegalArgumentException | SshWire.Malformed e) {
            throw new ConfigException(where, "key '" + abbreviate(base64)
                    + "' (expected: the base64 of an ssh-ed25519 public key)");
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }
}
