package knock.sequence;

import java.util.Locale;

import knock.config.Digits;

/**
 * One packet of a knock: a TCP SYN or UDP datagram to {@code value} as a port, or an ICMP echo request whose
 * payload is {@code value} bytes long (what the client controls on both raw and unprivileged ping sockets,
 * where the kernel rewrites the echo identifier).
 *
 * <p>Text form, shared by the server config, client profiles and the command line: {@code 7000/tcp},
 * {@code 7000/udp}, {@code 7000} (TCP, as in knockd's client), knockd's {@code 7000:udp}, {@code icmp}
 * (payload {@value #DEFAULT_ICMP_PAYLOAD} bytes, a plain {@code ping}) and {@code icmp/SIZE}.
 */
public record Step(Protocol protocol, int value) {

    /** Payload bytes of a bare {@code icmp} step: the size a plain {@code ping} sends. */
    public static final int DEFAULT_ICMP_PAYLOAD = 56;
    /** Largest ICMP payload that fits one 1500-byte IPv6 packet unfragmented (1500 - 40 - 8). */
    public static final int MAX_ICMP_PAYLOAD = 1452;

    /** What {@link #parse} accepts, for error messages. */
    public static final String SYNTAX = "PORT[/tcp|/udp] or icmp[/SIZE]";

    public Step {
        if (protocol == null) {
            throw new IllegalArgumentException("protocol: null");
        }
        if (protocol == Protocol.ICMP) {
            if (value < 0 || value > MAX_ICMP_PAYLOAD) {
                throw new IllegalArgumentException(
                        "icmp payload " + value + " (expected: 0-" + MAX_ICMP_PAYLOAD + ")");
            }
        } else if (value < 1 || value > 65535) {
            throw new IllegalArgumentException("step port " + value + " (expected: 1-65535)");
        }
    }

    public static Step tcp(int port) {
        return new Step(Protocol.TCP, port);
    }

    public static Step udp(int port) {
        return new Step(Protocol.UDP, port);
    }

    public static Step icmp(int payloadLength) {
        return new Step(Protocol.ICMP, payloadLength);
    }

    /**
     * Parses the text form.
     *
     * @throws IllegalArgumentException with a message naming the value and what was expected
     */
    public static Step parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.equals("icmp")) {
            return icmp(DEFAULT_ICMP_PAYLOAD);
        }
        int sep = Math.max(t.indexOf('/'), t.indexOf(':'));
        String head = sep < 0 ? t : t.substring(0, sep);
        String tail = sep < 0 ? "" : t.substring(sep + 1);
        if (head.equals("icmp")) {
            return icmp(number(tail, text));
        }
        int port = number(head, text);
        return switch (tail) {
            case "", "tcp" -> tcp(port);
            case "udp" -> udp(port);
            default -> throw new IllegalArgumentException(
                    "step '" + text + "': unknown protocol '" + tail + "' (expected: " + SYNTAX + ")");
        };
    }

    private static int number(String digits, String whole) {
        if (!Digits.upTo(digits, 6)) {
            throw new IllegalArgumentException("step '" + whole + "' (expected: " + SYNTAX + ")");
        }
        return Integer.parseInt(digits);
    }

    /** The text form that {@link #parse} reads back: {@code 7000/tcp}, {@code 8000/udp}, {@code icmp/64}. */
    @Override
    public String toString() {
        return protocol == Protocol.ICMP ? "icmp/" + value : value + "/" + protocol.label();
    }
}
