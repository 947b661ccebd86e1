package knock.server.config;

/**
 * Something a config may say but probably should not, such as a knock step that everyday traffic sends. A
 * warning never stops a config: {@code knock-server check} prints it and exits 0, and the daemon logs it at
 * start and at every reload, so the one who wrote the config sees it wherever they look.
 *
 * @param where   {@code file:line} of the value to blame
 * @param message what is wrong and what would be better, one line
 */
public record ConfigWarning(String where, String message) {

    /** {@code knock.conf:12: warning: ...}, the way compilers print warnings. */
    @Override
    public String toString() {
        return where + ": warning: " + message;
    }
}
