package knock.server.recent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecentLimitsTest {

    @TempDir
    Path dir;

    @Test
    void theKernelParameterIsRead() throws IOException {
        Path file = dir.resolve("ip_list_tot");
        Files.writeString(file, "250\n");
        assertEquals(new RecentLimits(250, true), RecentLimits.read(file), "ip_list_tot");
    }

    @Test
    void aMissingParameterMeansTheDefault() {
        assertEquals(new RecentLimits(100, false), RecentLimits.read(dir.resolve("absent")), "default");
    }

    @Test
    void warnsOnlyWhenMoreMayBeAdmittedThanTheListHolds() {
        RecentLimits limits = new RecentLimits(100, true);
        assertFalse(limits.warning("ssh4", 100).isPresent(), "warned although 100 fit");
        String w = limits.warning("ssh4", 101).orElseThrow();
        assertTrue(w.startsWith("list ssh4 keeps at most 100 entries"), w);
    }
}
