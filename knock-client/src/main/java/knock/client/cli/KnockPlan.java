package knock.client.cli;

import java.io.PrintWriter;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

import knock.client.ClientException;
import knock.client.profile.AddressFamily;
import knock.client.profile.Profile;
import knock.client.profile.ProfileFile;
import knock.client.proxy.PortWaiter;
import knock.client.send.KnockSender;
import knock.client.send.SignedKnockSender;
import knock.client.spa.SpaSigner;
import knock.client.spa.SpaSigners;
import knock.client.send.Target;
import knock.config.Digits;
import knock.config.Durations;
import knock.net.NativeSocket;
import knock.sequence.Step;
import knock.sequence.TimeDerivedSteps;

/**
 * What one invocation does, and its two acts: the host's profile with the command line laid over it, the
 * addresses resolved once; then {@link #knock} and {@link #connect}. Both commands are this plan with a
 * different ending ({@code knock} may wait for the port, {@code proxy} relays or hands the socket to ssh).
 * Checks run cheapest first (steps, then the profile file, then DNS), so bad input fails before any lookup or
 * packet.
 *
 * @param profile the merged profile (command-line steps, family and port already applied)
 * @param target  the resolved addresses
 * @param verbose where {@code -v} lines go (stderr, always: in proxy mode stdout belongs to ssh), or {@code null}
 */
record KnockPlan(Profile profile, Target target, Consumer<String> verbose) {

    /**
     * @param stepsRequired whether a host with no steps from either source is an error ({@code knock HOST});
     *                      {@code knock proxy} connects without knocking then
     * @param port          the guarded port from the command line, or {@code null} for the profile's
     */
    static KnockPlan of(CommonOptions options, PrintWriter err, String host, List<String> stepWords, Integer port,
                        boolean stepsRequired) {
        if (options.ipv4 && options.ipv6) {
            throw ClientException.usage("-4 and -6 together (expected: at most one of them)");
        }
        List<Step> steps = steps(stepWords);
        ProfileFile file = options.profileFile();
        Profile p = file.lookup(host);
        if (steps.isEmpty() && p.signed() == null && p.derived() != null) {
            // The time-derived knock of now: the secret is read after the cheaper checks, before any lookup.
            TimeDerivedSteps derived = p.derived().steps(options.home());
            steps = derived.steps(derived.timeStep(options.unixMillis()));
        }
        if (!steps.isEmpty()) {
            // Steps (given, or derived for now) replace the profile's knock, a signed one too.
            p = new Profile(p.host(), p.hostName(), p.knockAddress(), steps, p.delay(), p.family(), p.port(), p.waitFor(),
                    null, p.derived());
        }
        if (stepsRequired && !p.knocks()) {
            throw ClientException.usage("no profile for '" + host + "' in " + file.where()
                    + " and no steps given (expected: a Host block with a Sequence or ServerKey, or knock HOST STEP...)");
        }
        AddressFamily family = options.ipv4 ? AddressFamily.INET : options.ipv6 ? AddressFamily.INET6 : p.family();
        p = new Profile(p.host(), p.hostName(), p.knockAddress(), p.steps(), p.delay(), family,
                port != null ? port : p.port(), p.waitFor(), p.signed(), p.derived());
        Consumer<String> verbose = options.verbose ? line -> err.println("knock: " + line) : null;
        return new KnockPlan(p, Target.resolve(p.hostName(), p.knockAddress(), family), verbose);
    }

    /**
     * Sends the knock, pausing {@code delay} between steps ({@code null}: the profile's Delay). A plan without
     * steps (proxy mode, a host with no profile) sends nothing and says so under {@code -v}.
     */
    void knock(Duration delay) {
        if (profile.signed() != null) {
            String file = profile.signed().identityFile();
            SpaSigner signer = SpaSigners.open(file == null ? null : Path.of(file), System.getenv("SSH_AUTH_SOCK"));
            new SignedKnockSender(target.knock(), verbose).send(profile.signed(), signer);
            return;
        }
        if (profile.steps().isEmpty()) {
            say("no steps for " + profile.host() + ": connecting without knocking");
            return;
        }
        new KnockSender(target.knock(), delay != null ? delay : profile.delay(), verbose).send(profile.steps());
    }

    /** Connects to the guarded port, retrying up to {@code until} while the firewall opens. */
    SocketChannel connect(Duration until) {
        return waiter(until).connect(until);
    }

    /**
     * Waits, as {@link #connect}, until the guarded port accepts, and drops that connection with a reset, so
     * nothing of it counts against the firewall's connection limit when ssh connects next (knock --wait).
     */
    void probe(Duration until) {
        waiter(until).probe(until);
    }

    /** As {@link #connect}, with a socket whose descriptor can be handed to ssh. */
    NativeSocket connectNative(Duration until) {
        return waiter(until).connectNative(until);
    }

    private PortWaiter waiter(Duration until) {
        say("waiting up to " + Durations.text(until) + " for port " + profile.port() + " on " + Target.text(target.host()));
        String hint = profile.signed() == null ? "" : "; a signed knock was sent: is ServerKey what knock-server "
                + "keygen --public prints, and is the key in the server's authorized-keys?";
        return new PortWaiter(target.host(), profile.port(), verbose, hint);
    }

    private void say(String line) {
        if (verbose != null) {
            verbose.accept(line);
        }
    }

    static List<Step> steps(List<String> words) {
        List<Step> steps = new ArrayList<>(words.size());
        for (String word : words) {
            steps.add(input(() -> Step.parse(word)));
        }
        return steps;
    }

    /** A port given on the command line; {@code null} stays {@code null} (the profile's Port then). */
    static Integer port(String text) {
        if (text == null) {
            return null;
        }
        if (!Digits.upTo(text, 5)
                || Integer.parseInt(text) < 1 || Integer.parseInt(text) > 65535) {
            throw ClientException.usage("port '" + text + "' (expected: 1-65535)");
        }
        return Integer.parseInt(text);
    }

    /** A duration given as option {@code what}; {@code null} stays {@code null} (the profile's then). */
    static Duration duration(String what, String text) {
        return text == null ? null : input(() -> ProfileFile.duration(what, text));
    }

    private static <T> T input(Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw ClientException.usage(e.getMessage());
        }
    }
}
