package knock.bench;

import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

import org.bouncycastle.math.ec.rfc7748.X25519;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import knock.net.Address;
import knock.sequence.Protocol;
import knock.server.Knock;
import knock.server.config.ServerConfigReader;
import knock.server.config.SpaKeyFile;
import knock.server.spa.SpaReceiver;
import knock.server.spa.SpaVerdict;
import knock.spa.SpaFormat;
import knock.spa.SpaGate;
import knock.spa.SpaRequest;
import knock.spa.SpaSeal;
import knock.spa.SshSig;

/**
 * The server's cost per signed-knock datagram ({@code SpaReceiver.receive}), by how far it gets: a valid knock
 * (gate, seal, request, signature, replay cache), junk (stopped by the gate MAC), a datagram re-stamped past
 * the gate by someone holding the server's public key (stopped by the seal), and a well-sealed forgery naming
 * a real key and signed by another (stopped by the signature: the dearest refusal). Each datagram comes from its own source and the
 * clock moves a second per datagram, so rations and the budget never interfere: this is the work itself.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SpaBenchmark {

    private static final int DATAGRAMS = 1024;
    private static final long KNOCK4 = 0xc612_0001L;

    private SpaReceiver receiver;
    private final Knock knock = new Knock();
    private final MemorySegment[] valid = new MemorySegment[DATAGRAMS];
    private final long[] stamps = new long[DATAGRAMS];
    private final MemorySegment[] junk = new MemorySegment[DATAGRAMS];
    private final MemorySegment[] resealed = new MemorySegment[DATAGRAMS];
    private final MemorySegment[] forged = new MemorySegment[DATAGRAMS];
    private int next;
    private long now = 1_000_000_000_000L;

    @Setup
    public void setup() throws Exception {
        SecureRandom random = new SecureRandom();
        Path dir = Files.createTempDirectory("knock-spa-bench");
        byte[] server = new byte[32];
        X25519.generatePrivateKey(random, server);
        byte[] serverPublic = new byte[32];
        X25519.generatePublicKey(server, 0, serverPublic, 0);
        SpaKeyFile.write(dir.resolve("spa.key"), server, "bench");
        byte[] user = new byte[32];
        Ed25519.generatePrivateKey(random, user);
        byte[] userPublic = new byte[32];
        Ed25519.generatePublicKey(user, 0, userPublic, 0);
        Files.writeString(dir.resolve("keys"), "ssh-ed25519 "
                + Base64.getEncoder().encodeToString(SshSig.publicKeyBlob(userPublic)) + " bench\n");
        var config = ServerConfigReader.parse("bench.conf", """
                [server]
                spa-key = %s
                authorized-keys = %s
                spa-work = 1000000
                [sequence ssh]
                spa-port = 62201
                knock-address = 198.18.0.1
                """.formatted(dir.resolve("spa.key"), dir.resolve("keys")));
        receiver = new SpaReceiver(config, 0, now);
        long start = System.currentTimeMillis();
        for (int i = 0; i < DATAGRAMS; i++) {
            stamps[i] = start + i;
            valid[i] = MemorySegment.ofArray(seal(random, user, userPublic, serverPublic, stamps[i], true));
            byte[] j = new byte[300];
            random.nextBytes(j);
            junk[i] = MemorySegment.ofArray(j);
            byte[] r = seal(random, user, userPublic, serverPublic, stamps[i], true);
            r[40] ^= 1;
            new SpaGate(serverPublic).stamp(r, 0, r.length);
            resealed[i] = MemorySegment.ofArray(r);
            forged[i] = MemorySegment.ofArray(seal(random, user, userPublic, serverPublic, stamps[i], false));
        }
    }

    private static byte[] seal(SecureRandom random, byte[] user, byte[] userPublic, byte[] serverPublic, long stamp,
                               boolean sign) {
        byte[] nonce = new byte[SpaRequest.NONCE_BYTES];
        random.nextBytes(nonce);
        SpaRequest unsigned = new SpaRequest(stamp, nonce, SshSig.fingerprint(userPublic), null, "ssh", serverPublic,
                new byte[SpaRequest.SIGNATURE_BYTES]);
        byte[] signature = new byte[SpaRequest.SIGNATURE_BYTES];
        // A forgery's signature is well formed (S below the group order, so verification does all its work),
        // made with a key that is not the one the request names.
        byte[] signer = user;
        if (!sign) {
            signer = new byte[32];
            Ed25519.generatePrivateKey(random, signer);
        }
        byte[] data = SshSig.signedData(SpaFormat.message(unsigned));
        Ed25519.sign(signer, 0, data, 0, data.length, signature, 0);
        return SpaSeal.seal(unsigned.signed(signature), serverPublic, random);
    }

    private SpaVerdict receive(MemorySegment[] datagrams) {
        int i = next++ & (DATAGRAMS - 1);
        now += 1_000_000_000L; // a second per datagram: rations refill, replay entries expire
        MemorySegment d = datagrams[i];
        knock.set(4, 0, 0xc612_0000L | (i & 0xff) + 2, 0, KNOCK4, Protocol.UDP, 62201, 40000, now)
                .payload(d, 0, (int) d.byteSize());
        return receiver.receive(knock, stamps[i]);
    }

    @Benchmark
    public SpaVerdict validKnock() {
        return receive(valid);
    }

    @Benchmark
    public SpaVerdict junkAtTheGate() {
        return receive(junk);
    }

    @Benchmark
    public SpaVerdict resealedPastTheGate() {
        return receive(resealed);
    }

    @Benchmark
    public SpaVerdict forgedSignature() {
        return receive(forged);
    }

    /** Fails the run if a datagram kind does not get the verdict it stands for. */
    @Setup(org.openjdk.jmh.annotations.Level.Iteration)
    public void check() {
        int at = next;
        next = 0;
        SpaVerdict[] expected = {SpaVerdict.GATE, SpaVerdict.SEAL, SpaVerdict.SIGNATURE};
        MemorySegment[][] kinds = {junk, resealed, forged};
        for (int k = 0; k < kinds.length; k++) {
            SpaVerdict v = receive(kinds[k]);
            if (v != expected[k]) {
                throw new IllegalStateException("expected " + expected[k] + ", got " + v + " for "
                        + Address.format(InetAddress.getLoopbackAddress()));
            }
        }
        next = at;
    }
}
