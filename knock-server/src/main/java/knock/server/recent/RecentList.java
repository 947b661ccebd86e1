package knock.server.recent;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import knock.net.Address;
import knock.net.Source;

/**
 * One xt_recent list, through its file under {@code /proc/net/xt_recent}: {@code +ADDR} adds or refreshes a
 * source, {@code -ADDR} removes it (silently if absent), {@code /} empties the list; reading the file lists the
 * entries.
 *
 * <p>Pitfalls, checked on Linux 6.18: the kernel takes one command per {@code write()} at file position 0
 * (xt_recent.c: a second write on the same fd fails with ESPIPE unless the position goes back to 0 first, pwrite
 * always does, and a batch {@code "+A\n+B\n"} adds only A while reporting the whole length written). So the
 * descriptor is kept and sought back before each command: an open and a close per command cost more, cold, than
 * the daemon's whole verdict. Any ':' in a command makes the kernel parse IPv6, so an IPv4 source is always
 * written dotted, never IPv4-mapped. The file exists only while a loaded rule names the list: its absence is a
 * {@link MissingListException} that says how to load the rules; a descriptor kept across a ruleset reload fails
 * (EINVAL) and is replaced once.
 *
 * <p>Blocking file I/O of a few microseconds per command; commands come with admissions, removals and
 * expiries, never once per packet. Commands are serialized, so any thread may call; {@link #close()} releases
 * the descriptor.
 */
public final class RecentList implements AutoCloseable {

    /** Where the kernel keeps the list files of the current network namespace. */
    public static final Path DEFAULT_DIRECTORY = Path.of("/proc/net/xt_recent");

    /** xt_recent.c: XT_RECENT_NAME_LEN is 200 with the terminating NUL. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,199}");

    private final String name;
    private final Path file;
    private final String config;
    /** Kept open between commands; {@code null} before the first and after a failure or {@link #close()}. */
    private FileChannel channel;

    /** A list in {@code directory} ({@link #DEFAULT_DIRECTORY} outside tests). */
    public RecentList(Path directory, String name) {
        this(directory, name, null);
    }

    /**
     * As {@link #RecentList(Path, String)}; {@code config} is the config file named in the missing-list message
     * ({@code null}: the message says FILE).
     */
    public RecentList(Path directory, String name, Path config) {
        if (!NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("list name '" + name + "' (expected: 1-199 letters, digits, '_.-')");
        }
        this.name = name;
        this.file = directory.resolve(name);
        this.config = config == null ? "FILE" : config.toString();
    }

    public String name() {
        return name;
    }

    public Path file() {
        return file;
    }

    /** Whether the list file exists (a loaded rule names the list). */
    public boolean exists() {
        return Files.exists(file);
    }

    /** Adds the source, or refreshes its last-seen time if present: {@code +ADDR}. */
    public void add(int family, long hi, long lo) {
        write("+" + Address.format(family, hi, lo));
    }

    public void add(Source source) {
        add(source.family(), source.hi(), source.lo());
    }

    public void add(InetAddress address) {
        add(Source.of(address));
    }

    /** Removes the source; succeeds silently if it is absent: {@code -ADDR}. */
    public void remove(int family, long hi, long lo) {
        write("-" + Address.format(family, hi, lo));
    }

    public void remove(Source source) {
        remove(source.family(), source.hi(), source.lo());
    }

    public void remove(InetAddress address) {
        remove(Source.of(address));
    }

    /** Removes every entry: {@code /}. */
    public void flush() {
        write("/");
    }

    /** The entries as the kernel lists them now, addresses normalised ({@code fd6b:6e6f:636b::2}). */
    public List<Entry> entries() {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new MissingListException(file, config, e);
        } catch (IOException e) {
            throw new RecentListException("read " + file + ": " + reason(e), e);
        }
        List<Entry> entries = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (!line.isEmpty()) {
                entries.add(Entry.parse(line, file + ":" + (i + 1)));
            }
        }
        return entries;
    }

    /**
     * Writes one command. The descriptor stays open between commands, the file position set back to 0 before each
     * (xt_recent takes one command per write at position 0; a second write without the seek fails with ESPIPE, and
     * pwrite with ESPIPE always): an open and a close per admission cost more than the verdict. A descriptor whose
     * list went away (the ruleset was reloaded) fails with EINVAL, even once a list of the same name is back: it is
     * closed and the file opened again once.
     */
    private synchronized void write(String command) {
        byte[] bytes = command.getBytes(StandardCharsets.US_ASCII);
        try {
            try {
                writeOnce(bytes);
            } catch (NoSuchFileException e) {
                throw e;
            } catch (IOException stale) {
                closeChannel();
                writeOnce(bytes);
            }
        } catch (NoSuchFileException e) {
            closeChannel();
            throw new MissingListException(file, config, e);
        } catch (IOException e) {
            closeChannel();
            throw new RecentListException("write " + command + " to " + file + ": " + reason(e), e);
        }
    }

    private void writeOnce(byte[] bytes) throws IOException {
        if (channel == null) {
            // No CREATE, no TRUNCATE: procfs list files are made by the kernel only.
            channel = FileChannel.open(file, StandardOpenOption.WRITE);
        }
        channel.position(0);
        int written = channel.write(ByteBuffer.wrap(bytes));
        if (written != bytes.length) {
            throw new RecentListException("write " + new String(bytes, StandardCharsets.US_ASCII) + " to " + file
                    + ": " + written + " of " + bytes.length + " bytes written (expected: all in one write)", null);
        }
    }

    /** Closes the descriptor kept between commands; the next command opens the file again. */
    @Override
    public synchronized void close() {
        closeChannel();
    }

    private void closeChannel() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Linux releases the descriptor even when close(2) fails.
            }
            channel = null;
        }
    }

    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied (expected: root or CAP_NET_ADMIN)";
        }
        if (e instanceof FileSystemException f) {
            return f.getReason() != null ? f.getReason() : e.getClass().getSimpleName();
        }
        return String.valueOf(e.getMessage());
    }

    @Override
    public String toString() {
        return file.toString();
    }

    /**
     * One line of the list file: {@code src=ADDR ttl: T last_seen: JIFFIES oldest_pkt: N J1, J2, ...}.
     * {@code lastSeen} is in kernel jiffies, not comparable to our clock: keep our own times.
     */
    public record Entry(Source source, int ttl, long lastSeen) {

        static Entry parse(String line, String where) {
            if (!line.startsWith("src=")) {
                throw bad(line, where, null);
            }
            String[] words = line.split("\\s+");
            try {
                Source source = Source.parse(words[0].substring(4));
                int ttl = Integer.parseInt(field(words, "ttl:", line, where));
                long lastSeen = Long.parseUnsignedLong(field(words, "last_seen:", line, where));
                return new Entry(source, ttl, lastSeen);
            } catch (IllegalArgumentException e) {
                throw bad(line, where, e);
            }
        }

        private static String field(String[] words, String key, String line, String where) {
            for (int i = 1; i + 1 < words.length; i++) {
                if (words[i].equals(key)) {
                    return words[i + 1];
                }
            }
            throw bad(line, where, null);
        }

        private static RecentListException bad(String line, String where, Exception cause) {
            return new RecentListException(where + ": '" + line + "' (expected: src=ADDR ttl: T last_seen: J ...)",
                    cause);
        }
    }
}
