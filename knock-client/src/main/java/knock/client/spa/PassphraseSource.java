package knock.client.spa;

import java.io.Console;

/**
 * Who is asked for the passphrase of an encrypted key file: the terminal by default ({@link #console()}), a
 * test's script otherwise. Pitfall: since JDK 22 {@link System#console()} may return a console that is no
 * terminal (stdin or stdout redirected, as in ssh's ProxyCommand); only {@link Console#isTerminal()} tells.
 */
public interface PassphraseSource {

    /** True when someone can be asked at all (a terminal); false sends the user to ssh-agent instead. */
    boolean canAsk();

    /**
     * Shows {@code prompt} and reads one passphrase without echo.
     *
     * @return the passphrase, which the caller wipes after use, or {@code null} when input ended (Ctrl-D)
     */
    char[] ask(String prompt);

    /** The process's terminal, through {@link System#console()}. */
    static PassphraseSource console() {
        return new PassphraseSource() {
            @Override
            public boolean canAsk() {
                Console console = System.console();
                return console != null && console.isTerminal();
            }

            @Override
            public char[] ask(String prompt) {
                Console console = System.console();
                return console == null ? null : console.readPassword("%s", prompt);
            }
        };
    }
}
