package knock.server.cli;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.concurrent.Callable;

import org.bouncycastle.math.ec.rfc7748.X25519;

import knock.server.config.SpaKeyFile;
import knock.server.config.ServerSettings;
import knock.spa.SpaKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code knock-server keygen}: makes the server's key pair for signed knocks, or shows its public half. */
@Command(name = "keygen", mixinStandardHelpOptions = true,
        description = {"Makes the server's X25519 key pair for signed knocks (spa-port).",
                "Writes the private key to a new file, mode 0600 (an existing file is never",
                "overwritten), and prints the public key for the clients' profiles",
                "(ServerKey). With --public, prints the public key of an existing file.",
                "Example:",
                "  knock-server keygen -f /etc/knock/spa.key"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:ok", "2:bad usage, the file exists, or it is no key file"})
final class KeygenCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", defaultValue = "/etc/knock/spa.key",
            description = "The private key file, the config's spa-key (default: ${DEFAULT-VALUE}).")
    Path file;

    @Option(names = "--public", description = "Print the public key of the existing FILE; make nothing.")
    boolean showPublic;

    @Override
    public Integer call() {
        byte[] privateKey;
        if (showPublic) {
            privateKey = SpaKeyFile.read(file);
        } else {
            privateKey = new byte[32];
            X25519.generatePrivateKey(new SecureRandom(), privateKey);
            SpaKeyFile.write(file, privateKey, "knock-server " + ServerSettings.SPA_KEY.key()
                    + ": X25519 private key for signed knocks; keep it secret");
        }
        byte[] publicKey = new byte[32];
        X25519.generatePublicKey(privateKey, 0, publicKey, 0);
        var out = spec.commandLine().getOut();
        if (!showPublic) {
            out.println("# " + file + ": new private key (mode 0600). For the clients' profiles:");
        }
        out.println("ServerKey " + SpaKeys.text(publicKey));
        out.flush();
        return 0;
    }
}
