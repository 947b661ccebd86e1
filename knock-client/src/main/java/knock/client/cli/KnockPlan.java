package knock.client.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import knock.client.ClientException;
import knock.client.profile.AddressFamily;
import knock.client.profile.Durations;
import knock.client.profile.Profile;
import knock.client.profile.ProfileFile;
import knock.client.send.Target;
import knock.sequence.Step;

/**
 * What one invocation does: the host's profile with the command line laid over it, and the addresses
 * resolved once. Checks run cheapest first (steps, then the profile file, then DNS), so bad input fails
 * before any lookup or packet.
 *
 * @param profile the merged profile (command-line steps, family and port already applied)
 * @param target  the resolved addresses
 */
record KnockPlan(Profile profile, Target target) {

    /**
     * @param stepsRequired whether a host with no steps from either source is an error ({@code knock HOST});
     *                      {@code knock proxy} connects without knocking then
     * @param port          the guarded port from the command line, or {@code null} for the profile's
     */
    static KnockPlan of(CommonOptions options, Map<String, String> env, String host, List<String> stepWords,
                        Integer port, boolean stepsRequired) {
        if (options.ipv4 && options.ipv6) {
            throw ClientException.usage("-4 and -6 together (expected: at most one of them)");
        }
        List<Step> steps = steps(stepWords);
        ProfileFile file = profileFile(options.file, env);
        Profile p = file.lookup(host);
        if (!steps.isEmpty()) {
            p = new Profile(p.host(), p.hostName(), p.knockAddress(), steps, p.delay(), p.family(), p.port(), p.waitFor());
        }
        if (stepsRequired && p.steps().isEmpty()) {
            throw ClientException.usage("no profile for '" + host + "' in " + file.where()
                    + " and no steps given (expected: a Host block with a Sequence, or knock HOST STEP...)");
        }
        AddressFamily family = options.ipv4 ? AddressFamily.INET : options.ipv6 ? AddressFamily.INET6 : p.family();
        p = new Profile(p.host(), p.hostName(), p.knockAddress(), p.steps(), p.delay(), family,
                port != null ? port : p.port(), p.waitFor());
        return new KnockPlan(p, Target.resolve(p.hostName(), p.knockAddress(), family));
    }

    static List<Step> steps(List<String> words) {
        List<Step> steps = new ArrayList<>(words.size());
        for (String word : words) {
            steps.add(input(() -> Step.parse(word)));
        }
        return steps;
    }

    static int port(String text) {
        if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(Character::isDigit)
                || Integer.parseInt(text) < 1 || Integer.parseInt(text) > 65535) {
            throw ClientException.usage("port '" + text + "' (expected: 1-65535)");
        }
        return Integer.parseInt(text);
    }

    static Duration duration(String what, String text) {
        return input(() -> Durations.parse(what, text));
    }

    /** The profile file: {@code -F FILE} (must exist), else the XDG location (may be absent). */
    static ProfileFile profileFile(Path explicit, Map<String, String> env) {
        if (explicit != null) {
            return ProfileFile.read(explicit, explicit.toString(), true);
        }
        String xdg = env.get("XDG_CONFIG_HOME");
        Path base;
        if (xdg != null && xdg.startsWith("/")) {
            base = Path.of(xdg);
        } else if (env.get("HOME") != null && !env.get("HOME").isEmpty()) {
            base = Path.of(env.get("HOME"), ".config");
        } else {
            return ProfileFile.none("(no profile file: HOME unset)");
        }
        Path file = base.resolve("knock").resolve("config");
        return ProfileFile.read(file, file.toString(), false);
    }

    /** Where {@code -v} lines go: stderr, always (in proxy mode stdout belongs to ssh). */
    static Consumer<String> verbose(CommonOptions options, PrintWriter err) {
        return options.verbose ? line -> err.println("knock: " + line) : null;
    }

    private static <T> T input(java.util.function.Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw ClientException.usage(e.getMessage());
        }
    }
}
