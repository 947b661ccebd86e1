import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.codegen.docgen.manpage.ManPageGenerator;

/**
 * Build step (run by dist/pom.xml with Java's source launcher): writes AsciiDoc man pages and bash completion
 * scripts from the very command trees the two mains run, so both follow the picocli annotations. The client's
 * {@code proxy} subcommand is added in code, not by annotation, so the trees come from the mains' own
 * {@code commandLine} factories rather than from class names.
 *
 * <p>Usage: {@code java -cp LIB/*:CODEGEN/* Docs.java MAN_ADOC_DIR COMPLETION_DIR}
 */
public final class Docs {

    public static void main(String[] args) throws Exception {
        File manDir = new File(args[0]);
        Path completionDir = Path.of(args[1]);
        Files.createDirectories(manDir.toPath());
        Files.createDirectories(completionDir);
        CommandLine knock = (CommandLine) factory("knock.client.cli.KnockMain", Map.class)
                .invoke(null, Map.of("HOME", "/nonexistent"));
        CommandLine server = (CommandLine) factory("knock.server.cli.ServerCommandLine").invoke(null);
        // It reports each page on stderr even when not verbose: keep that for a failure only.
        PrintStream stderr = System.err;
        ByteArrayOutputStream chatter = new ByteArrayOutputStream();
        int status;
        System.setErr(new PrintStream(chatter, true, StandardCharsets.UTF_8));
        try {
            status = ManPageGenerator.generateManPage(manDir, null, new boolean[1], false,
                    knock.getCommandSpec(), server.getCommandSpec());
        } finally {
            System.setErr(stderr);
        }
        if (status != 0) {
            System.err.print(chatter.toString(StandardCharsets.UTF_8));
            throw new IllegalStateException("ManPageGenerator exit " + status);
        }
        Files.writeString(completionDir.resolve("knock"), AutoComplete.bash("knock", knock));
        Files.writeString(completionDir.resolve("knock-server"), AutoComplete.bash("knock-server", server));
    }

    private static Method factory(String main, Class<?>... parameters) throws ReflectiveOperationException {
        Method method = Class.forName(main).getDeclaredMethod("commandLine", parameters);
        method.setAccessible(true); // KnockMain.commandLine is package-private: it is no public API
        return method;
    }
}
