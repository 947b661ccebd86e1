package knock.spa;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The byte layout of a request inside the seal (docs/spa.md): version, how to admit, timestamp, nonce, key
 * fingerprint, address, sequence, server key (together the signed {@link #message}), then the signature and
 * padding of any length, which the reader skips. Multi-byte numbers are big-endian.
 */
public final class SpaFormat {

    /** The layout's version; a server refuses any other. */
    public static final int VERSION = 1;
    /** Bytes of a request without address, sequence name and padding. */
    public static final int FIXED_BYTES = 1 + 1 + 8 + SpaRequest.NONCE_BYTES + SpaRequest.FINGERPRINT_BYTES + 1
            + SpaRequest.KEY_BYTES + SpaRequest.SIGNATURE_BYTES;
    /** The longest request with its padding: what a server reads at most. */
    public static final int MAX_PLAINTEXT = FIXED_BYTES + 16 + SpaRequest.MAX_SEQUENCE_BYTES + SpaSeal.MAX_PADDING;

    private static final int OBSERVED = 0;

    private SpaFormat() {
    }

    /** The signed part of the request: everything but the signature. */
    public static byte[] message(SpaRequest request) {
        byte[] out = new byte[messageLength(request)];
        int n = writeMessage(request, out);
        assert n == out.length;
        return out;
    }

    /** The whole request, signature included, followed by {@code padding} zero bytes. */
    public static byte[] encode(SpaRequest request, int padding) {
        int length = messageLength(request);
        byte[] out = new byte[length + SpaRequest.SIGNATURE_BYTES + padding];
        writeMessage(request, out);
        System.arraycopy(request.signature(), 0, out, length, SpaRequest.SIGNATURE_BYTES);
        return out;
    }

    /**
     * Reads a request from {@code bytes[0, length)}: the bytes an authenticated seal held.
     *
     * @throws SpaFormatException naming what is wrong
     */
    public static SpaRequest decode(byte[] bytes, int length) {
        Reader r = new Reader(bytes, length);
        int version = r.u8();
        if (version != VERSION) {
            throw new SpaFormatException("version " + version + " (expected: " + VERSION + ")");
        }
        int kind = r.u8();
        long timestamp = r.u64();
        byte[] nonce = r.bytes(SpaRequest.NONCE_BYTES);
        byte[] fingerprint = r.bytes(SpaRequest.FINGERPRINT_BYTES);
        InetAddress admit = switch (kind) {
            case OBSERVED -> null;
            case 4 -> address(r.bytes(4));
            case 6 -> address(r.bytes(16));
            default -> throw new SpaFormatException("address kind " + kind + " (expected: 0, 4 or 6)");
        };
        int nameLength = r.u8();
        if (nameLength == 0 || nameLength > SpaRequest.MAX_SEQUENCE_BYTES) {
            throw new SpaFormatException("sequence name of " + nameLength + " bytes (expected: 1-"
                    + SpaRequest.MAX_SEQUENCE_BYTES + ")");
        }
        byte[] name = r.bytes(nameLength);
        for (byte b : name) {
            if (b < 0x21 || b > 0x7e) {
                throw new SpaFormatException("sequence name with byte " + (b & 0xff) + " (expected: printable ASCII)");
            }
        }
        byte[] serverKey = r.bytes(SpaRequest.KEY_BYTES);
        byte[] signature = r.bytes(SpaRequest.SIGNATURE_BYTES);
        return new SpaRequest(timestamp, nonce, fingerprint, admit, new String(name, StandardCharsets.US_ASCII),
                serverKey, signature);
    }

    /** The signed part of an encoded request: its first bytes, up to the signature. */
    public static byte[] messageOf(byte[] encoded, SpaRequest decoded) {
        return Arrays.copyOf(encoded, messageLength(decoded));
    }

    private static int messageLength(SpaRequest r) {
        return FIXED_BYTES - SpaRequest.SIGNATURE_BYTES + addressBytes(r.admit()) + r.sequence().length();
    }

    private static int addressBytes(InetAddress a) {
        return a == null ? 0 : a.getAddress().length;
    }

    private static int writeMessage(SpaRequest r, byte[] out) {
        int p = 0;
        out[p++] = VERSION;
        out[p++] = (byte) (r.admit() == null ? OBSERVED : r.admit().getAddress().length == 4 ? 4 : 6);
        for (int shift = 56; shift >= 0; shift -= 8) {
            out[p++] = (byte) (r.timestampMillis() >>> shift);
        }
        p = put(out, p, r.nonce());
        p = put(out, p, r.keyFingerprint());
        if (r.admit() != null) {
            p = put(out, p, r.admit().getAddress());
        }
        byte[] name = r.sequence().getBytes(StandardCharsets.US_ASCII);
        out[p++] = (byte) name.length;
        p = put(out, p, name);
        return put(out, p, r.serverKey());
    }

    private static int put(byte[] out, int p, byte[] bytes) {
        System.arraycopy(bytes, 0, out, p, bytes.length);
        return p + bytes.length;
    }

    private static InetAddress address(byte[] raw) {
        try {
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new AssertionError(e); // only for a wrong length, which the caller rules out
        }
    }

    /** Bounds-checked sequential reads. */
    private static final class Reader {
        private final byte[] bytes;
        private final int length;
        private int p;

        Reader(byte[] bytes, int length) {
            this.bytes = bytes;
            this.length = length;
        }

        private void need(int n) {
            if (length - p < n) {
                throw new SpaFormatException("request cut short at byte " + p + " of " + length);
            }
        }

        int u8() {
            need(1);
            return bytes[p++] & 0xff;
        }

        long u64() {
            need(8);
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = v << 8 | bytes[p++] & 0xff;
            }
            return v;
        }

        byte[] bytes(int n) {
            need(n);
            byte[] out = Arrays.copyOfRange(bytes, p, p + n);
            p += n;
            return out;
        }
    }
}
