package knock.server.recent;

import java.nio.file.Path;

/**
 * The list file does not exist: xt_recent creates it only while a loaded rule names the list, and drops it with
 * its entries when the last such rule goes. The message says how to load the ruleset. Exit code 1.
 */
public final class MissingListException extends RecentListException {

    public MissingListException(Path file, String config, Throwable cause) {
        super("the list file " + file + " is missing; load the ruleset first: knock-server rules --config "
                + config + " | iptables-restore (an IPv6 list: --family 6 | ip6tables-restore)", cause);
    }
}
