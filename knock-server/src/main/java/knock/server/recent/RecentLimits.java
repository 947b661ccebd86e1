package knock.server.recent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The size limit of the kernel's lists, so the daemon can warn before admissions are lost: xt_recent holds at
 * most {@code ip_list_tot} entries per list (100 unless set at boot or module load) and beyond it silently drops
 * the least recently set entry.
 *
 * @param ipListTot entries per list
 * @param known whether it was read from the kernel ({@code false}: the module is not loaded yet, 100 assumed)
 */
public record RecentLimits(int ipListTot, boolean known) {

    public static final Path DEFAULT_FILE = Path.of("/sys/module/xt_recent/parameters/ip_list_tot");
    /** xt_recent.c's default. */
    public static final int DEFAULT_IP_LIST_TOT = 100;

    public static RecentLimits read() {
        return read(DEFAULT_FILE);
    }

    /** Reads the parameter file; a missing file means the default. */
    public static RecentLimits read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII).strip();
        } catch (NoSuchFileException e) {
            return new RecentLimits(DEFAULT_IP_LIST_TOT, false);
        } catch (IOException e) {
            throw new RecentListException("read " + file + ": " + e.getMessage(), e);
        }
        try {
            return new RecentLimits(Integer.parseInt(text), true);
        } catch (NumberFormatException e) {
            throw new RecentListException(file + ": '" + text + "' (expected: a whole number)", e);
        }
    }

    /**
     * A warning line when a list may need more entries than the kernel keeps, e.g. {@code list ssh4 keeps at
     * most 100 entries ...}; empty when {@code mayAdmit} fits. Past the limit the daemon refuses new admissions
     * rather than let the kernel evict an admitted source silently.
     */
    public Optional<String> warning(String list, int mayAdmit) {
        if (mayAdmit <= ipListTot) {
            return Optional.empty();
        }
        return Optional.of("list " + list + " keeps at most " + ipListTot + " entries (xt_recent ip_list_tot"
                + (known ? "" : ", assumed") + "), max-sources allows " + mayAdmit + "; past it new admissions are"
                + " refused: set xt_recent.ip_list_tot=N on the kernel command line or as a module option");
    }
}
