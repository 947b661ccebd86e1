package knock.testnet;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line that runs one of the project's main classes as its own JVM, the way users and ssh run it:
 * the JDK running the tests, this test's class path, native access for FFM. Until the dist launcher is in
 * every test's reach, this is the tests' launcher (inside a namespace: {@link Host#startJava}).
 */
public final class JavaCommand {

    /** The java of the JDK running the tests. */
    public static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");

    private JavaCommand() {
    }

    /** {@code java --enable-native-access=ALL-UNNAMED [jvmOptions] -cp CLASSPATH mainClass args}. */
    public static List<String> of(List<String> jvmOptions, String mainClass, String... args) {
        List<String> command = new ArrayList<>();
        command.add(JAVA.toString());
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("-XX:TieredStopAtLevel=1");
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(List.of(args));
        return command;
    }
}
