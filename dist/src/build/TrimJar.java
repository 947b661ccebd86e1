import java.io.IOException;
import java.io.OutputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.constantpool.ClassEntry;
import java.lang.classfile.constantpool.MethodTypeEntry;
import java.lang.classfile.constantpool.NameAndTypeEntry;
import java.lang.classfile.constantpool.PoolEntry;
import java.lang.classfile.constantpool.StringEntry;
import java.lang.classfile.constantpool.Utf8Entry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;

/**
 * Build step (dist's stage.sh): writes the part of a library jar that knock can reach, so that a process
 * opens a small jar instead of bouncycastle's 7 MB one (its central directory alone cost the client about 6 ms
 * and 6 MiB of RSS on every start, and every class the AOT cache holds from it is loaded at every start).
 *
 * <p>The kept classes are the closure of what the ROOT jars' classes name, followed through the library's own
 * classes: every class in a constant pool (class entries, field and method descriptors, method types) and every
 * string constant that spells a class of the library (a {@code Class.forName} target). Each kept class keeps all
 * its multi-release versions, and their references are followed too. This over-approximates what can run, never
 * under: a class no constant names cannot be loaded without reflection on a computed name, and the string rule
 * covers the constant ones. Resources outside META-INF/versions are kept only under META-INF (the licence);
 * service files are dropped (knock uses the library's lightweight API, never its JCA provider).
 *
 * <p>Usage: {@code java TrimJar.java LIBRARY_JAR OUT_JAR ROOT_JAR...}; prints how many classes it kept.
 */
public final class TrimJar {

    private static final Pattern VERSIONED = Pattern.compile("META-INF/versions/(\\d+)/(.+)\\.class");
    private static final Pattern DESCRIPTOR_CLASS = Pattern.compile("L([^;<>]+)[;<]");

    private TrimJar() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 3) {
            System.err.println("usage: java TrimJar.java LIBRARY_JAR OUT_JAR ROOT_JAR...");
            System.exit(2);
        }
        try (JarFile library = new JarFile(args[0])) {
            Map<String, List<JarEntry>> versions = classEntries(library);
            Set<String> kept = new TreeSet<>();
            Deque<String> todo = new ArrayDeque<>();
            for (int i = 2; i < args.length; i++) {
                try (JarFile root = new JarFile(args[i])) {
                    for (List<JarEntry> entries : classEntries(root).values()) {
                        for (JarEntry entry : entries) {
                            follow(root.getInputStream(entry).readAllBytes(), versions, kept, todo);
                        }
                    }
                }
            }
            while (!todo.isEmpty()) {
                for (JarEntry entry : versions.get(todo.pop())) {
                    follow(library.getInputStream(entry).readAllBytes(), versions, kept, todo);
                }
            }
            write(library, Path.of(args[1]), versions, kept);
            System.out.println(kept.size());
        }
    }

    /** Class name (internal form) to its entries: the base one and any META-INF/versions/N one. */
    private static Map<String, List<JarEntry>> classEntries(JarFile jar) {
        Map<String, List<JarEntry>> classes = new TreeMap<>();
        jar.stream().filter(e -> e.getName().endsWith(".class")).forEach(e -> {
            Matcher versioned = VERSIONED.matcher(e.getName());
            String name = versioned.matches() ? versioned.group(2)
                    : e.getName().substring(0, e.getName().length() - ".class".length());
            if (!name.endsWith("module-info")) {
                classes.computeIfAbsent(name, n -> new ArrayList<>()).add(e);
            }
        });
        return classes;
    }

    private static void follow(byte[] bytes, Map<String, List<JarEntry>> library, Set<String> kept,
            Deque<String> todo) {
        ClassModel model = ClassFile.of().parse(bytes);
        for (PoolEntry entry : model.constantPool()) {
            switch (entry) {
                case ClassEntry type -> keep(type.asInternalName(), library, kept, todo);
                case NameAndTypeEntry member -> descriptor(member.type(), library, kept, todo);
                case MethodTypeEntry method -> descriptor(method.descriptor(), library, kept, todo);
                case StringEntry string -> keep(string.stringValue().replace('.', '/'), library, kept, todo);
                default -> { }
            }
        }
        model.fields().forEach(f -> descriptor(f.fieldType(), library, kept, todo));
        model.methods().forEach(m -> descriptor(m.methodType(), library, kept, todo));
    }

    private static void descriptor(Utf8Entry descriptor, Map<String, List<JarEntry>> library, Set<String> kept,
            Deque<String> todo) {
        Matcher named = DESCRIPTOR_CLASS.matcher(descriptor.stringValue());
        while (named.find()) {
            keep(named.group(1), library, kept, todo);
        }
    }

    private static void keep(String name, Map<String, List<JarEntry>> library, Set<String> kept,
            Deque<String> todo) {
        String element = name.replaceFirst("^\\[+L?", "").replaceFirst(";$", "");
        if (library.containsKey(element) && kept.add(element)) {
            todo.push(element);
        }
    }

    private static void write(JarFile library, Path out, Map<String, List<JarEntry>> versions, Set<String> kept)
            throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if ("true".equalsIgnoreCase(library.getManifest().getMainAttributes().getValue(Attributes.Name.MULTI_RELEASE))) {
            manifest.getMainAttributes().put(Attributes.Name.MULTI_RELEASE, "true");
        }
        List<JarEntry> entries = new ArrayList<>();
        library.stream()
                .filter(e -> !e.isDirectory() && e.getName().startsWith("META-INF/")
                        && !e.getName().startsWith("META-INF/versions/") && !e.getName().startsWith("META-INF/services/")
                        && !e.getName().equals(JarFile.MANIFEST_NAME) && !signature(e.getName()))
                .forEach(entries::add);
        for (String name : kept) {
            entries.addAll(versions.get(name));
        }
        try (OutputStream file = Files.newOutputStream(out);
                JarOutputStream jar = new JarOutputStream(file, manifest)) {
            for (JarEntry entry : entries) {
                ZipEntry copy = new ZipEntry(entry.getName());
                copy.setTime(entry.getTime());
                jar.putNextEntry(copy);
                try (var in = library.getInputStream(entry)) {
                    in.transferTo(jar);
                }
                jar.closeEntry();
            }
        }
    }

    private static boolean signature(String name) {
        return name.matches("META-INF/[^/]+\\.(SF|RSA|DSA|EC)");
    }
}
