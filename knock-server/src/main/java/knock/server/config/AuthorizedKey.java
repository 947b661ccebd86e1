package knock.server.config;

import java.net.InetAddress;
import java.util.List;
import java.util.Set;

/**
 * One line of the server's {@code authorized-keys} file: a user's Ed25519 public key and what it may do.
 *
 * @param publicKey   the raw 32-byte Ed25519 key
 * @param fingerprint SHA-256 of its OpenSSH blob: how a signed knock names its key
 * @param from        sources the key may knock from ({@code from="CIDR,..."}); empty for anywhere
 * @param sequences   the signed sequences it may open ({@code sequences="ssh,..."}); empty for all
 * @param admit       other addresses it may ask to admit ({@code admit="CIDR,..."}); empty for only the source
 * @param where       {@code file:line}, for logs
 */
public record AuthorizedKey(byte[] publicKey, byte[] fingerprint, List<Cidr> from, Set<String> sequences,
                            List<Cidr> admit, String comment, String where) {

    public AuthorizedKey {
        from = List.copyOf(from);
        sequences = Set.copyOf(sequences);
        admit = List.copyOf(admit);
    }

    /** Whether the key may knock from {@code source}. */
    public boolean allowsSource(InetAddress source) {
        return from.isEmpty() || Cidr.anyContains(from, source);
    }

    /** Whether the key may open {@code sequence}. */
    public boolean allowsSequence(String sequence) {
        return sequences.isEmpty() || sequences.contains(sequence);
    }

    /** Whether the key may ask to admit {@code address} when it knocks from another. */
    public boolean allowsAdmitting(InetAddress address) {
        return Cidr.anyContains(admit, address);
    }
}
