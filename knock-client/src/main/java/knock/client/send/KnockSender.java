package knock.client.send;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

import knock.client.ClientException;
import knock.net.Errno;
import knock.net.NativeException;
import knock.net.NetworkFailure;
import knock.sequence.Protocol;
import knock.sequence.Step;

/**
 * Sends a sequence of knocks to one address, pausing {@code delay} between two. Quiet unless given a
 * {@code verbose} sink, which hears one line per knock.
 */
public final class KnockSender {

    private final InetAddress target;
    private final Duration delay;
    private final Consumer<String> verbose;

    /**
     * @param verbose receives one line per knock sent, or is {@code null} for none
     */
    public KnockSender(InetAddress target, Duration delay, Consumer<String> verbose) {
        this.target = target;
        this.delay = delay;
        this.verbose = verbose;
    }

    /**
     * Sends {@code steps} in order.
     *
     * @throws ClientException exit 1 when the network refuses a packet, exit 3 when ICMP is not permitted
     */
    public void send(List<Step> steps) {
        // open the ICMP socket first: a missing privilege must not leave a half-sent sequence behind
        IcmpKnock icmp = needsIcmp(steps) ? IcmpKnock.open(target) : null;
        try {
            for (int i = 0; i < steps.size(); i++) {
                Step step = steps.get(i);
                if (i > 0 && delay.isPositive()) {
                    sleep(delay);
                }
                String via;
                try {
                    switch (step.protocol()) {
                        case TCP -> {
                            TcpSynKnock.send(target, step.value());
                            via = "syn";
                        }
                        case UDP -> {
                            UdpKnock.send(target, step.value());
                            via = "datagram";
                        }
                        case ICMP -> {
                            icmp.send(target, step.value(), i + 1);
                            via = icmp.kind();
                        }
                        default -> throw new AssertionError(step.protocol());
                    }
                } catch (IOException | NativeException e) {
                    throw failure(step, e);
                }
                if (verbose != null) {
                    verbose.accept("sent " + step + " to " + Target.text(target) + " (" + via + ")");
                }
            }
        } finally {
            if (icmp != null) {
                icmp.close();
            }
        }
    }

    private ClientException failure(Step step, Exception e) {
        String to = step + " to " + Target.text(target);
        NetworkFailure path = NetworkFailure.of(e);
        if (path == NetworkFailure.NETWORK_UNREACHABLE || path == NetworkFailure.NO_ROUTE) {
            return ClientException.failure("cannot knock " + to + ": " + path.words());
        }
        if (e instanceof NativeException n && Errno.isPermission(n.errno())) {
            return ClientException.privilege("cannot knock " + to + ": " + n.getMessage()
                    + " (a local firewall rule, or a missing privilege)");
        }
        return ClientException.failure("cannot knock " + to + ": " + e.getMessage(), e);
    }


    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ClientException.failure("interrupted");
        }
    }

    /** Whether any step needs an ICMP socket, for a check before anything is sent. */
    static boolean needsIcmp(List<Step> steps) {
        for (Step step : steps) { // a loop, not a stream: see knock.config.Digits
            if (step.protocol() == Protocol.ICMP) {
                return true;
            }
        }
        return false;
    }
}
