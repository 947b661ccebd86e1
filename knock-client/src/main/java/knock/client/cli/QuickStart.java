package knock.client.cli;

import java.io.PrintWriter;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import knock.KnockException;
import knock.cli.FailureLine;

/**
 * The everyday command lines of {@code knock} and {@code knock proxy} (what a user types before ssh, and what
 * ssh's {@code ProxyCommand} runs), parsed and run without picocli. picocli builds its model by reflection from
 * the annotations at every start (about 170 classes of its own, annotation proxies, method handles spun at
 * run time), which cost about as much as the rest of a knock: for a program that runs before every ssh that is
 * most of its start-up.
 *
 * <p>It fills in the very command objects picocli would, so both paths run the same code, and it takes only
 * the plain forms: separate option values, {@code --long=value}, each option once, the subcommand first. It
 * declines (returns {@code null}) whatever could parse differently or fail: {@code --help}, {@code --version},
 * {@code knock code}, {@code @files}, clustered or unknown options, a value that looks like an option or a
 * subcommand, {@code --}, empty words, too few parameters. picocli then parses the command line as always, so
 * help, errors and every corner keep picocli's behaviour. {@code QuickStartTest} holds both to the same result.
 */
final class QuickStart {

    /** A command whose options are filled in: runs it, diagnostics to {@code err}; returns the exit code. */
    interface Run {
        int run(PrintWriter err) throws Exception;
    }

    private QuickStart() {
    }

    /**
     * Runs {@code args} if they are a plain command line, as picocli's {@code execute} with knock's error handler
     * would (a {@link KnockException} is its one line and exit code; anything else is a bug, with its trace).
     *
     * @return the exit code, or {@code -1} if picocli must parse {@code args}
     */
    static int run(String[] args, CommonOptions common, PrintWriter err) {
        Run command = parse(args, common);
        if (command == null) {
            return -1;
        }
        try {
            int exit = command.run(err);
            err.flush();
            return exit;
        } catch (Exception e) {
            return FailureLine.report("knock", e, err);
        }
    }

    /** The command {@code args} ask for, with {@code common} filled in, or {@code null} to leave it to picocli. */
    static Run parse(String[] args, CommonOptions common) {
        boolean proxy = args.length > 0 && args[0].equals("proxy");
        List<String> words = new ArrayList<>(args.length);
        String waitFor = null;
        String port = null;
        String delay = null;
        String timeout = null;
        boolean fdpass = false;
        int seen = 0; // one bit per option: picocli refuses an option given twice
        for (int i = proxy ? 1 : 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.isEmpty() || arg.charAt(0) == '@' || isSubcommand(arg)) {
                return null;
            }
            if (arg.charAt(0) != '-') {
                if (arg.indexOf('=') >= 0) {
                    return null;
                }
                words.add(arg);
                continue;
            }
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 2) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
                if (value.isEmpty()) {
                    return null;
                }
            }
            int bit;
            switch (name) {
                case "-4" -> { bit = 1; common.ipv4 = true; }
                case "-6" -> { bit = 2; common.ipv6 = true; }
                case "-v", "--verbose" -> { bit = 4; common.verbose = true; }
                case "--fdpass" -> { bit = 8; fdpass = true; }
                case "-F" -> { bit = 16; }
                case "-p", "--port" -> { bit = 32; }
                case "-d", "--delay" -> { bit = 64; }
                case "--timeout" -> { bit = 128; }
                case "--wait" -> {
                    bit = 256;
                    // arity 0..1: picocli may take the next word as its value; only the last word is sure
                    if (value == null && i != args.length - 1) {
                        return null;
                    }
                    waitFor = value == null ? "10s" : value;
                }
                default -> { return null; }
            }
            boolean proxyOnly = bit == 8 || bit == 128;
            boolean knockOnly = bit == 32 || bit == 64 || bit == 256;
            if ((seen & bit) != 0 || proxyOnly && !proxy || knockOnly && proxy) {
                return null; // given twice, or not an option of this command
            }
            seen |= bit;
            if (bit >= 16 && bit <= 128) {
                if (value == null) {
                    if (i + 1 == args.length) {
                        return null;
                    }
                    value = args[++i];
                    if (value.isEmpty() || value.charAt(0) == '-' || value.charAt(0) == '@' || isSubcommand(value)) {
                        return null;
                    }
                }
                switch (bit) {
                    case 16 -> {
                        try {
                            common.file = Path.of(value);
                        } catch (InvalidPathException e) {
                            return null; // picocli's own message for it
                        }
                    }
                    case 32 -> port = value;
                    case 64 -> delay = value;
                    default -> timeout = value;
                }
            } else if (value != null && bit != 256) {
                return null; // --verbose=true and the like
            }
        }
        if (proxy) {
            if (words.size() < 2) {
                return null;
            }
            ProxyCommand command = new ProxyCommand();
            command.common = common;
            command.fdpass = fdpass;
            command.timeout = timeout;
            command.host = words.get(0);
            command.port = words.get(1);
            if (words.size() > 2) {
                command.steps = words.subList(2, words.size());
            }
            return command;
        }
        if (words.isEmpty()) {
            return null;
        }
        KnockCommand command = new KnockCommand();
        command.common = common;
        command.waitFor = waitFor;
        command.port = port;
        command.delay = delay;
        command.host = words.get(0);
        if (words.size() > 1) {
            command.steps = words.subList(1, words.size());
        }
        return command;
    }

    private static boolean isSubcommand(String word) {
        return word.equals("proxy") || word.equals("code");
    }
}
