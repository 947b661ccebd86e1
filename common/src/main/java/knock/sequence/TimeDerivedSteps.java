package knock.sequence;

import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import knock.config.Durations;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The steps of a time-derived sequence: ports that change every {@code period}, drawn from a port range by
 * HMAC-SHA256 under a secret that the server and its users share. For clients that can only send plain knocks
 * (a phone app, knockd's client): a sniffed knock is worth one time step, not forever, and the server takes each
 * time step's knock once. Client and server must derive the same ports, so the derivation is specified exactly
 * in {@code docs/time-derived.md}, with a test vector; in short, for time step
 * {@code T = floor(unix_seconds / period)}:
 * <ol>
 * <li>words: the successive big-endian 32-bit words of HMAC-SHA256(secret, BE64(T)), then of HMAC-SHA256(secret,
 *     BE64(T) || BE32(j)) for j = 1, 2, ...;
 * <li>step i (from 0): the free ports are the range's ports farther than {@value #SPACING} from each port
 *     drawn before (whatever their protocols), n of them in ascending order; take words until one is below
 *     2^32 - (2^32 mod n) (so every free port is equally likely) and draw the free port at that word mod n.
 * </ol>
 * So no two ports of one time step are equal or within {@value #SPACING} of each other: none lies in another's
 * scan neighbourhood (a server's {@code scan-adjacent} is at most {@value #SPACING} for such a sequence).
 *
 * <p>HMAC comes from the JDK ({@code javax.crypto.Mac}, SunJCE in java.base), not bouncycastle's lightweight API:
 * the client derives ports on a cold JVM before every ssh, and there bouncycastle's {@code HMac} cost a knock
 * about 100 ms more than the JDK's (its {@code CryptoServicesRegistrar} sets up DSA parameters in a static
 * initializer, and its classes come from an 8 MB jar no CDS archive holds): measured, a three-step knock took
 * 271 ms plain, 302 ms time-derived with the JDK's MAC, 406 ms with bouncycastle's (medians of 21, interleaved,
 * busy 2-core box). Each derivation makes a MAC of its own (the server derives once per time step, not per
 * packet); an instance is immutable and safe to share between threads. {@link #toString()} never shows the
 * secret.
 */
public final class TimeDerivedSteps {

    /** Ports of one time step lie farther apart than this: the largest scan neighbourhood they stay out of. */
    public static final int SPACING = 10;
    /** Most steps: a time-derived knock is typed or sent by simple clients, and each step costs a word or two. */
    public static final int MAX_STEPS = 16;
    /** The shortest secret taken, in bytes: 128 bits. */
    public static final int MIN_SECRET_BYTES = 16;
    /** The smallest range taken, whatever the steps: a range of a few ports is a guess away. */
    public static final int MIN_RANGE = 100;
    /** The period when none is given, as TOTP's. */
    public static final Duration DEFAULT_PERIOD = Duration.ofSeconds(30);
    /** The shortest period: short enough that a test runs in seconds, long enough for a knock of a few steps. */
    public static final Duration MIN_PERIOD = Duration.ofSeconds(2);
    /** The longest period: a sniffed knock stays usable for up to two periods until someone uses it. */
    public static final Duration MAX_PERIOD = Duration.ofHours(1);
    /** What the protocols take, for messages. */
    public static final String PROTOCOLS = "tcp or udp per step, such as 'udp tcp udp', at most " + MAX_STEPS;

    private static final long WORDS = 1L << 32;

    private final byte[] secret;
    private final PortRange range;
    private final List<Protocol> protocols;
    private final Duration period;
    private final long periodMillis;

    /**
     * @throws IllegalArgumentException when a part is out of bounds (see {@link #checkSecret}, {@link #checkRange},
     *     {@link #checkProtocols}, {@link #checkPeriod}), naming the value and what was expected
     */
    public TimeDerivedSteps(byte[] secret, PortRange range, List<Protocol> protocols, Duration period) {
        checkSecret(secret);
        checkProtocols(protocols);
        checkRange(range, protocols.size());
        checkPeriod(period);
        this.secret = secret.clone();
        this.range = range;
        this.protocols = List.copyOf(protocols);
        this.period = period;
        this.periodMillis = period.toMillis();
    }

    /** A secret of at least {@value #MIN_SECRET_BYTES} bytes. */
    public static void checkSecret(byte[] secret) {
        if (secret.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("secret of " + secret.length + " bytes (expected: at least "
                    + MIN_SECRET_BYTES + ")");
        }
    }

    /** 1 to {@value #MAX_STEPS} protocols, each TCP or UDP (an ICMP step has a size, not a port). */
    public static void checkProtocols(List<Protocol> protocols) {
        if (protocols.isEmpty() || protocols.size() > MAX_STEPS) {
            throw new IllegalArgumentException("protocols: " + protocols.size() + " steps (expected: " + PROTOCOLS
                    + ")");
        }
        for (Protocol p : protocols) {
            if (p == Protocol.ICMP) {
                throw new IllegalArgumentException("protocol icmp (expected: " + PROTOCOLS + "; an icmp step has a "
                        + "size, not a port)");
            }
        }
    }

    /**
     * A range of at least {@value #MIN_RANGE} ports and room for {@code steps} ports {@value #SPACING} apart:
     * {@code 2 * SPACING + 1} ports per step, so every draw has a free port left.
     */
    public static void checkRange(PortRange range, int steps) {
        int needed = Math.max(MIN_RANGE, steps * (2 * SPACING + 1));
        if (range.size() < needed) {
            throw new IllegalArgumentException("port range " + range + " holds " + range.size() + " ports (expected: "
                    + "at least " + needed + (needed == MIN_RANGE ? "" : ", " + (2 * SPACING + 1) + " per step") + ")");
        }
    }

    /** Whole seconds from {@link #MIN_PERIOD} to {@link #MAX_PERIOD}. */
    public static void checkPeriod(Duration period) {
        if (period.compareTo(MIN_PERIOD) < 0 || period.compareTo(MAX_PERIOD) > 0 || period.toMillis() % 1000 != 0) {
            throw new IllegalArgumentException("period " + Durations.text(period) + " (expected: whole "
                    + "seconds, " + Durations.text(MIN_PERIOD) + "-"
                    + Durations.text(MAX_PERIOD) + ")");
        }
    }

    /**
     * Parses protocols as configs and profiles write them: {@code udp tcp udp} (spaces or commas).
     *
     * @throws IllegalArgumentException naming the value and what was expected
     */
    public static List<Protocol> parseProtocols(String text) {
        List<Protocol> protocols = new ArrayList<>();
        for (String word : text.strip().split("[\\s,]+")) {
            switch (word.toLowerCase(Locale.ROOT)) {
                case "" -> { }
                case "tcp" -> protocols.add(Protocol.TCP);
                case "udp" -> protocols.add(Protocol.UDP);
                default -> throw new IllegalArgumentException("protocol '" + word + "' (expected: " + PROTOCOLS + ")");
            }
        }
        checkProtocols(protocols);
        return List.copyOf(protocols);
    }

    public PortRange range() {
        return range;
    }

    public List<Protocol> protocols() {
        return protocols;
    }

    public Duration period() {
        return period;
    }

    /** Steps per knock. */
    public int length() {
        return protocols.size();
    }

    /** The time step at {@code unixMillis}: floor(unix seconds / period). */
    public long timeStep(long unixMillis) {
        return Math.floorDiv(unixMillis, periodMillis);
    }

    /** When time step {@code timeStep} begins, in Unix milliseconds. */
    public long startMillis(long timeStep) {
        return timeStep * periodMillis;
    }

    /** The knock of time step {@code timeStep}, in order. */
    public List<Step> steps(long timeStep) {
        int[] ports = new int[length()];
        ports(timeStep, ports);
        List<Step> steps = new ArrayList<>(ports.length);
        for (int i = 0; i < ports.length; i++) {
            steps.add(new Step(protocols.get(i), ports[i]));
        }
        return List.copyOf(steps);
    }

    /** Writes the ports of time step {@code timeStep} to {@code into[0..length())}, in step order. */
    public void ports(long timeStep, int[] into) {
        if (into.length < length()) {
            throw new IllegalArgumentException("into: " + into.length + " slots (expected: at least " + length() + ")");
        }
        Words words = new Words(secret, timeStep);
        int[] sorted = new int[length()];
        for (int i = 0; i < length(); i++) {
            int free = range.size() - excluded(sorted, i);
            long limit = WORDS - WORDS % free;
            long word;
            do {
                word = words.next();
            } while (word >= limit);
            int port = nthFree(sorted, i, (int) (word % free));
            into[i] = port;
            insert(sorted, i, port);
        }
    }

    /** How many ports of the range lie within {@link #SPACING} of one of the {@code count} sorted ports. */
    private int excluded(int[] sorted, int count) {
        int total = 0;
        int covered = range.first() - 1; // the last port counted so far: neighbourhoods may overlap
        for (int k = 0; k < count; k++) {
            int lo = Math.max(Math.max(range.first(), sorted[k] - SPACING), covered + 1);
            int hi = Math.min(range.last(), sorted[k] + SPACING);
            if (lo <= hi) {
                total += hi - lo + 1;
                covered = hi;
            }
        }
        return total;
    }

    /** The free port at index {@code n} (from 0, ascending): the range without the neighbourhoods of the sorted ports. */
    private int nthFree(int[] sorted, int count, int n) {
        int port = range.first() + n;
        int covered = range.first() - 1;
        for (int k = 0; k < count; k++) {
            int lo = Math.max(Math.max(range.first(), sorted[k] - SPACING), covered + 1);
            int hi = Math.min(range.last(), sorted[k] + SPACING);
            if (lo > hi) {
                continue;
            }
            if (lo > port) {
                break;
            }
            port += hi - lo + 1;
            covered = hi;
        }
        return port;
    }

    private static void insert(int[] sorted, int count, int port) {
        int k = count;
        while (k > 0 && sorted[k - 1] > port) {
            sorted[k] = sorted[k - 1];
            k--;
        }
        sorted[k] = port;
    }

    /** The word stream: HMAC blocks of the time step, read as big-endian unsigned 32-bit words. */
    private static final class Words {
        private final Mac mac;
        private final byte[] message = new byte[12];
        private final byte[] block = new byte[32];
        private final long timeStep;
        private int blocks;
        private int offset = block.length;

        Words(byte[] secret, long timeStep) {
            try {
                mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256: " + e.getMessage(), e);
            }
            this.timeStep = timeStep;
        }

        long next() {
            if (offset == block.length) {
                for (int i = 0; i < 8; i++) {
                    message[i] = (byte) (timeStep >>> (56 - 8 * i));
                }
                int j = blocks++;
                int length = 8;
                if (j > 0) {
                    message[8] = (byte) (j >>> 24);
                    message[9] = (byte) (j >>> 16);
                    message[10] = (byte) (j >>> 8);
                    message[11] = (byte) j;
                    length = 12;
                }
                mac.update(message, 0, length);
                try {
                    mac.doFinal(block, 0);
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException("HmacSHA256: " + e.getMessage(), e);
                }
                offset = 0;
            }
            long word = ((block[offset] & 0xffL) << 24) | ((block[offset + 1] & 0xff) << 16)
                    | ((block[offset + 2] & 0xff) << 8) | (block[offset + 3] & 0xff);
            offset += 4;
            return word;
        }
    }

    /** Equal when every part is, the secret's bytes included: a reload that changes nothing keeps what is live. */
    @Override
    public boolean equals(Object o) {
        return o instanceof TimeDerivedSteps t && Arrays.equals(secret, t.secret) && range.equals(t.range)
                && protocols.equals(t.protocols) && period.equals(t.period);
    }

    @Override
    public int hashCode() {
        return (Arrays.hashCode(secret) * 31 + range.hashCode()) * 31 + protocols.hashCode();
    }

    /** {@code udp tcp udp in 40000-49999 every 30s}: never the secret. */
    @Override
    public String toString() {
        return protocols.stream().map(Protocol::label).collect(Collectors.joining(" ")) + " in " + range + " every "
                + Durations.text(period);
    }
}
