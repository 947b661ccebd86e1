package knock.client.profile;

import java.util.List;
import java.util.Locale;

/**
 * The patterns of one {@code Host} line, matched as ssh_config(5) does: {@code *} matches any run of
 * characters, {@code ?} one character, case-insensitively; a pattern led by {@code !} excludes, and a host
 * that any excluding pattern matches is not matched by the line at all.
 */
record HostPattern(List<String> patterns) {

    HostPattern {
        String[] lower = new String[patterns.size()]; // a loop, not a stream: see knock.config.Digits
        for (int i = 0; i < lower.length; i++) {
            lower[i] = patterns.get(i).toLowerCase(Locale.ROOT);
        }
        patterns = List.of(lower);
    }

    boolean matches(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        boolean matched = false;
        for (String p : patterns) {
            if (p.startsWith("!")) {
                if (glob(p, 1, h, 0)) {
                    return false;
                }
            } else if (!matched && glob(p, 0, h, 0)) {
                matched = true;
            }
        }
        return matched;
    }

    /** Iterative wildcard match with one backtrack point: linear in practice, no recursion on hostile input. */
    static boolean glob(String p, int pi, String s, int si) {
        int star = -1;
        int mark = 0;
        while (si < s.length()) {
            if (pi < p.length() && (p.charAt(pi) == '?' || p.charAt(pi) == s.charAt(si))) {
                pi++;
                si++;
            } else if (pi < p.length() && p.charAt(pi) == '*') {
                star = pi++;
                mark = si;
            } else if (star >= 0) {
                pi = star + 1;
                si = ++mark;
            } else {
                return false;
            }
        }
        while (pi < p.length() && p.charAt(pi) == '*') {
            pi++;
        }
        return pi == p.length();
    }

    @Override
    public String toString() {
        return String.join(" ", patterns);
    }
}
