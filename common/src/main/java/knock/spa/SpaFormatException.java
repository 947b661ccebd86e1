package knock.spa;

/**
 * A sealed request that authenticated but does not parse: a client of another version or a bug, never a
 * stranger (whose datagram fails the seal first). The server counts and logs it; nothing is admitted.
 */
public final class SpaFormatException extends RuntimeException {

    public SpaFormatException(String message) {
        super(message, null, false, false);
    }
}
