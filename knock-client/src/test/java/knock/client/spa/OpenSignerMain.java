package knock.client.spa;

import java.nio.file.Path;

import knock.client.ClientException;

/**
 * {@link SpaSigners#open(Path, String)} in a JVM of its own, for a test that must run with fewer privileges
 * than the test JVM (root without CAP_DAC_OVERRIDE, so that file permissions apply), and for start-up figures.
 * Opens the signer (agent from {@code SSH_AUTH_SOCK}), signs 64 bytes, prints the signer's description, or the
 * one-line error, on stdout and exits 0 either way.
 */
final class OpenSignerMain {

    private OpenSignerMain() {
    }

    public static void main(String[] args) {
        try {
            SpaSigner signer = SpaSigners.open(args.length > 0 ? Path.of(args[0]) : null,
                    System.getenv("SSH_AUTH_SOCK"));
            signer.sign(new byte[64]);
            System.out.println("ok " + signer.describe());
        } catch (ClientException e) {
            System.out.println(e.getMessage());
        }
    }
}
