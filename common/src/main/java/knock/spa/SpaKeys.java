package knock.spa;

import java.util.Base64;

/**
 * The text form of the server's X25519 keys: 32 bytes in base64, one line (as WireGuard writes its keys). The
 * public key goes into clients' profiles ({@code ServerKey}); the private key into the server's key file.
 */
public final class SpaKeys {

    public static final int KEY_BYTES = 32;

    private SpaKeys() {
    }

    public static String text(byte[] key) {
        return Base64.getEncoder().encodeToString(key);
    }

    /**
     * The key in {@code text}.
     *
     * @throws IllegalArgumentException naming {@code what} and the expectation
     */
    public static byte[] parse(String what, String text) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(text.strip());
        } catch (IllegalArgumentException e) {
            key = null;
        }
        if (key == null || key.length != KEY_BYTES) {
            String shown = text.length() > 48 ? text.substring(0, 45) + "..." : text;
            throw new IllegalArgumentException(what + " '" + shown + "' (expected: 44 characters of base64, "
                    + "a key knock-server keygen printed)");
        }
        return key;
    }
}
