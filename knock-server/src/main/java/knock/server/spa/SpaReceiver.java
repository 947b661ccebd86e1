package knock.server.spa;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import knock.net.Address;
import knock.sequence.Protocol;
import knock.server.Knock;
import knock.server.config.AuthorizedKey;
import knock.server.config.SequenceConfig;
import knock.server.config.ServerConfig;
import knock.spa.SpaFormat;
import knock.spa.SpaFormatException;
import knock.spa.SpaOpener;
import knock.spa.SpaRequest;
import knock.spa.SpaSeal;
import knock.spa.SshSig;

/**
 * Judges datagrams to the config's spa-ports, cheapest check first: length and gate MAC (one keyed hash: all a
 * blind flood costs), the replay cache, the source's ration and the global budget of public-key work, then
 * decryption, the request's timestamp, key, sequence and options, and last the signature. A datagram that
 * passes everything is remembered in the replay cache and its admission handed to the caller; nothing is ever
 * sent back. Runs on the daemon's event loop; not thread-safe. Times are arguments.
 */
public final class SpaReceiver {

    private final long startMillis;
    private final ReplayCache replays;
    private final SourceRations rations;
    private final long[] counts = new long[SpaVerdict.values().length];
    private final byte[] datagram = new byte[SpaSeal.MAX_DATAGRAM];
    private final byte[] plaintext = new byte[SpaFormat.MAX_PLAINTEXT];

    private ServerConfig config;
    private SpaOpener opener;
    /** The server's public key, which a request must name. */
    private byte[] serverKey;
    private Map<String, AuthorizedKey> keys;
    private int[] ports;
    private TokenBucket budget;
    private int workPerSecond;
    private long maxAgeMillis;

    private SequenceConfig admittedSequence;
    private InetAddress admittedAddress;
    private AuthorizedKey admittedKey;
    private AuthorizedKey lastKey;
    private String lastDetail;

    /**
     * @param config      a config with signed sequences ({@link ServerConfig#spa()} not null)
     * @param startMillis wall-clock time of the daemon's start: knocks stamped earlier are refused, since the
     *                    replay cache of a run before it is gone
     */
    public SpaReceiver(ServerConfig config, long startMillis, long nowNanos) {
        this.startMillis = startMillis;
        this.replays = new ReplayCache(config.spa().replayEntries());
        this.rations = new SourceRations(nowNanos);
        reconfigure(config, nowNanos);
    }

    /** Takes a reloaded config (keys, limits, ports); the replay cache and rations stay. */
    public void reconfigure(ServerConfig next, long nowNanos) {
        ServerConfig.Spa spa = next.spa();
        config = next;
        opener = new SpaOpener(spa.privateKey());
        serverKey = opener.publicKey();
        Map<String, AuthorizedKey> byFingerprint = new HashMap<>();
        for (AuthorizedKey key : spa.keys()) {
            byFingerprint.put(Arrays.toString(key.fingerprint()), key);
        }
        keys = byFingerprint;
        ports = next.sequences().stream().filter(SequenceConfig::signed).mapToInt(SequenceConfig::spaPort)
                .distinct().toArray();
        if (budget == null || workPerSecond != spa.workPerSecond()) {
            workPerSecond = spa.workPerSecond();
            budget = new TokenBucket(workPerSecond, Math.max(10, workPerSecond / 4), nowNanos);
        }
        maxAgeMillis = spa.maxAge().toMillis();
        replays.capacity(spa.replayEntries());
    }

    /** Whether the packet is a datagram to a spa-port: this receiver's to judge, not the tracker's. */
    public boolean takes(Knock knock) {
        if (knock.protocol() != Protocol.UDP) {
            return false;
        }
        for (int port : ports) {
            if (port == knock.value()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Judges one datagram. After {@link SpaVerdict#ADMIT}, {@link #admittedSequence()} and
     * {@link #admittedAddress()} say what to admit.
     *
     * @param nowMillis the wall clock, which the request's timestamp is held against
     */
    public SpaVerdict receive(Knock knock, long nowMillis) {
        SpaVerdict verdict = judge(knock, nowMillis);
        counts[verdict.ordinal()]++;
        return verdict;
    }

    private SpaVerdict judge(Knock knock, long nowMillis) {
        admittedSequence = null;
        admittedAddress = null;
        admittedKey = null;
        lastKey = null;
        lastDetail = null;
        long now = knock.receivedNanos();
        int length = knock.payloadLength();
        if (length < SpaSeal.MIN_DATAGRAM || length > SpaSeal.MAX_DATAGRAM) {
            return SpaVerdict.GATE;
        }
        knock.copyPayload(datagram);
        if (!opener.passesGate(datagram, 0, length)) {
            return SpaVerdict.GATE;
        }
        if (replays.contains(datagram, now)) {
            return SpaVerdict.REPLAY;
        }
        if (!rations.take(knock.family(), knock.srcHi(), knock.srcLo(), now)) {
            return SpaVerdict.SOURCE_RATE;
        }
        if (!budget.take(now)) {
            return SpaVerdict.BUDGET;
        }
        int n = opener.open(datagram, 0, length, plaintext);
        if (n < 0) {
            return SpaVerdict.SEAL;
        }
        SpaRequest request;
        try {
            request = SpaFormat.decode(plaintext, n);
        } catch (SpaFormatException e) {
            lastDetail = e.getMessage();
            return SpaVerdict.FORMAT;
        }
        if (!Arrays.equals(request.serverKey(), serverKey)) {
            lastDetail = "for another server";
            return SpaVerdict.FORMAT;
        }
        long stamp = request.timestampMillis();
        if (Math.abs(stamp - nowMillis) > maxAgeMillis || stamp < startMillis) {
            lastDetail = "timestamp " + (stamp - nowMillis) + " ms from now" + (stamp < startMillis
                    ? ", before the daemon started" : "");
            return SpaVerdict.STALE;
        }
        AuthorizedKey key = keys.get(Arrays.toString(request.keyFingerprint()));
        if (key == null) {
            lastDetail = "key " + SshSig.format(request.keyFingerprint());
            return SpaVerdict.UNKNOWN_KEY;
        }
        lastKey = key;
        SequenceConfig sequence = sequence(request.sequence(), knock);
        if (sequence == null || !key.allowsSequence(sequence.name())) {
            lastDetail = "sequence " + request.sequence();
            return SpaVerdict.SEQUENCE;
        }
        InetAddress source = Address.toInetAddress(knock.family(), knock.srcHi(), knock.srcLo());
        if (!key.allowsSource(source)) {
            return SpaVerdict.FROM;
        }
        InetAddress admit = request.admit() == null ? source : request.admit();
        if (!admit.equals(source) && !key.allowsAdmitting(admit)) {
            lastDetail = "asks to admit " + admit.getHostAddress();
            return SpaVerdict.ADMIT_ADDRESS;
        }
        byte[] encoded = SpaFormat.message(request);
        if (!SshSig.verify(key.publicKey(), encoded, request.signature())) {
            return SpaVerdict.SIGNATURE;
        }
        if (!replays.add(datagram, now, TimeUnit.MILLISECONDS.toNanos(2 * maxAgeMillis))) {
            return SpaVerdict.REPLAY_FULL;
        }
        admittedSequence = sequence;
        admittedAddress = admit;
        admittedKey = key;
        return SpaVerdict.ADMIT;
    }

    /** The signed sequence named {@code name} that takes this datagram's port and destination, or null. */
    private SequenceConfig sequence(String name, Knock knock) {
        for (SequenceConfig s : config.sequences()) {
            if (s.signed() && s.name().equals(name) && s.spaPort() == knock.value()) {
                for (InetAddress a : s.knockAddresses(knock.family())) {
                    if (Address.hi(a) == knock.dstHi() && Address.lo(a) == knock.dstLo()) {
                        return s;
                    }
                }
            }
        }
        return null;
    }

    /** After {@link SpaVerdict#ADMIT}: the sequence to admit to. */
    public SequenceConfig admittedSequence() {
        return admittedSequence;
    }

    /** After {@link SpaVerdict#ADMIT}: the address to admit (the source, unless the key's admit= allowed another). */
    public InetAddress admittedAddress() {
        return admittedAddress;
    }

    /** For the log line of the last datagram: the key that signed it, if it got that far ({@code "-"} if not). */
    public String lastKey() {
        AuthorizedKey key = admittedKey != null ? admittedKey : lastKey;
        return key == null ? "-" : SshSig.format(key.fingerprint()) + (key.comment().isEmpty() ? ""
                : " (" + key.comment() + ")");
    }

    /** For the log line of the last datagram: what was wrong beyond its verdict, or null. */
    public String lastDetail() {
        return lastDetail;
    }

    public long count(SpaVerdict verdict) {
        return counts[verdict.ordinal()];
    }

    public int replayEntries() {
        return replays.size();
    }
}
