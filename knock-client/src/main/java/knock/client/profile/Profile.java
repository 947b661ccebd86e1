package knock.client.profile;

import java.time.Duration;
import java.util.List;

import knock.sequence.Step;

/**
 * What the profile file says about one host, defaults filled in. Command-line options override it field by
 * field (ad hoc steps replace {@link #steps}, {@code -4}/{@code -6} replace {@link #family}).
 *
 * @param host         the host as the user named it, matched against {@code Host} patterns
 * @param hostName     where to connect: {@code HostName}, else {@code host}
 * @param knockAddress where to knock: {@code KnockAddress}, else {@code null} for the host's own address
 * @param steps        the knock sequence; empty when no block gives one
 * @param delay        the pause between knocks
 * @param family       the address family to resolve and send in
 * @param port         the guarded port
 * @param waitFor      how long to wait for the port after knocking; zero for not at all
 * @param signed       the signed knock that replaces the steps ({@code ServerKey}), or {@code null}
 * @param derived      a time-derived knock ({@code SecretFile} ...), or {@code null}; its steps go to
 *                     {@link #steps} when the knock is planned
 */
public record Profile(String host, String hostName, String knockAddress, List<Step> steps, Duration delay,
                      AddressFamily family, int port, Duration waitFor, SignedKnock signed,
                      TimeDerivedProfile derived) {

    /** The pause between knocks when no profile sets one: none, as knockd's client. */
    public static final Duration DEFAULT_DELAY = Duration.ZERO;
    /** The guarded port when no profile sets one: ssh. */
    public static final int DEFAULT_PORT = 22;
    /** How long {@code Wait yes}, a bare {@code --wait} and a proxy connection wait for the port. */
    public static final Duration DEFAULT_WAIT = Duration.ofSeconds(10);

    public Profile {
        steps = List.copyOf(steps);
    }

    /** Whether the profile says how to knock: steps or a signed knock. */
    public boolean knocks() {
        return signed != null || derived != null || !steps.isEmpty();
    }

    /** The profile of a host no block matches: only defaults. */
    public static Profile empty(String host) {
        return new Profile(host, host, null, List.of(), DEFAULT_DELAY, AddressFamily.ANY, DEFAULT_PORT, Duration.ZERO,
                null, null);
    }
}
