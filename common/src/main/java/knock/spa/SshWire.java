package knock.spa;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The SSH wire encoding (RFC 4251 section 5) that key files, key blobs and the agent protocol share: big-endian
 * {@code uint32}s and length-prefixed strings. {@link Reader} reads one buffer and throws {@link Malformed}
 * rather than running past its end; {@link Writer} builds requests and signed blobs. Shared by the client's key
 * files and agent, the signed-data blob of a knock and the server's authorized_keys.
 */
public final class SshWire {

    private SshWire() {
    }

    /** Data that does not parse as the expected SSH encoding; the message says what was wrong. */
    public static final class Malformed extends Exception {
        public Malformed(String message) {
            super(message, null, false, false);
        }
    }

    /** Reads from a byte array, front to back. */
    public static final class Reader {
        private final byte[] data;
        private int pos;
        private final int end;

        public Reader(byte[] data) {
            this(data, 0, data.length);
        }

        public Reader(byte[] data, int offset, int end) {
            this.data = data;
            this.pos = offset;
            this.end = end;
        }

        public int remaining() {
            return end - pos;
        }

        public int u8() throws Malformed {
            need(1);
            return data[pos++] & 0xff;
        }

        /** A uint32 as a non-negative long. */
        public long u32() throws Malformed {
            need(4);
            long v = ((data[pos] & 0xffL) << 24) | ((data[pos + 1] & 0xffL) << 16) | ((data[pos + 2] & 0xffL) << 8)
                    | (data[pos + 3] & 0xffL);
            pos += 4;
            return v;
        }

        /** A length-prefixed byte string. */
        public byte[] bytes() throws Malformed {
            long n = u32();
            if (n > remaining()) {
                throw new Malformed("truncated (a " + n + "-byte string with " + remaining() + " bytes left)");
            }
            byte[] out = new byte[(int) n];
            System.arraycopy(data, pos, out, 0, out.length);
            pos += out.length;
            return out;
        }

        /** A length-prefixed string, as UTF-8. */
        public String string() throws Malformed {
            return new String(bytes(), StandardCharsets.UTF_8);
        }

        /** {@code n} raw bytes. */
        public byte[] raw(int n) throws Malformed {
            need(n);
            byte[] out = new byte[n];
            System.arraycopy(data, pos, out, 0, n);
            pos += n;
            return out;
        }

        private void need(int n) throws Malformed {
            if (remaining() < n) {
                throw new Malformed("truncated");
            }
        }
    }

    /** Builds a message; small, so a growing array is fine. */
    public static final class Writer {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream(128);

        public Writer u8(int v) {
            out.write(v);
            return this;
        }

        public Writer u32(long v) {
            out.write((int) (v >>> 24));
            out.write((int) (v >>> 16));
            out.write((int) (v >>> 8));
            out.write((int) v);
            return this;
        }

        public Writer bytes(byte[] b) {
            u32(b.length);
            out.write(b, 0, b.length);
            return this;
        }

        public Writer string(String s) {
            return bytes(s.getBytes(StandardCharsets.UTF_8));
        }

        public byte[] toByteArray() {
            return out.toByteArray();
        }
    }
}
