package knock.client.send;

import java.net.InetAddress;
import java.net.UnknownHostException;

import knock.client.ClientException;
import knock.client.profile.AddressFamily;
import knock.net.Address;

/**
 * Where knocks go and where the guarded port is, each resolved once: every knock and the later connection use
 * these addresses, never a second lookup that could answer differently. Both share one family, because the
 * firewall keeps IPv4 and IPv6 sources on different lists: knocking over IPv4 opens nothing for IPv6.
 *
 * @param host  the address of the guarded port
 * @param knock the address the knocks go to (often another address of the same box)
 */
public record Target(InetAddress host, InetAddress knock) {

    /**
     * Resolves {@code hostName} and {@code knockName} ({@code null} for the host's own address) in one family:
     * {@code family} if given, else the family of whichever is an address literal, else the host's first
     * address.
     *
     * @throws ClientException (exit 2) for a name that does not resolve, or not in the family asked for
     */
    public static Target resolve(String hostName, String knockName, AddressFamily family) {
        InetAddress hostLiteral = literal(hostName);
        InetAddress knockLiteral = knockName == null ? null : literal(knockName);
        if (family == AddressFamily.ANY) {
            if (hostLiteral != null) {
                family = AddressFamily.of(hostLiteral);
            } else if (knockLiteral != null) {
                family = AddressFamily.of(knockLiteral);
            }
        }
        InetAddress host = hostLiteral != null ? check(hostName, hostLiteral, family) : lookup(hostName, family);
        if (knockName == null) {
            return new Target(host, host);
        }
        AddressFamily same = AddressFamily.of(host);
        InetAddress knock = knockLiteral != null ? check(knockName, knockLiteral, same) : lookup(knockName, same);
        return new Target(host, knock);
    }

    private static InetAddress literal(String name) {
        try {
            return InetAddress.ofLiteral(name);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static InetAddress check(String name, InetAddress address, AddressFamily family) {
        if (!family.admits(address)) {
            throw ClientException.usage("address " + name + " is not " + family.label()
                    + " (expected: one family for knocks and connection; see -4, -6, AddressFamily)");
        }
        return address;
    }

    private static InetAddress lookup(String name, AddressFamily family) {
        InetAddress[] all;
        // The JDK's first name lookup looks for an InetAddressResolverProvider service through the thread's
        // context class loader, which opened every jar of knock's class path (~2 ms before every ssh) to find
        // none: knock ships none. With the platform loader as the context, the lookup finds the same nothing
        // (the runtime has no provider either) without a jar, and the JDK keeps its built-in resolver.
        Thread thread = Thread.currentThread();
        ClassLoader context = thread.getContextClassLoader();
        thread.setContextClassLoader(ClassLoader.getPlatformClassLoader());
        try {
            all = InetAddress.getAllByName(name);
        } catch (UnknownHostException e) {
            throw ClientException.usage("cannot resolve '" + name + "' (expected: a host name or address)");
        } finally {
            thread.setContextClassLoader(context);
        }
        for (InetAddress a : all) {
            if (family.admits(a)) {
                return a;
            }
        }
        throw ClientException.usage("'" + name + "' has no " + family.label() + " address");
    }

    /** How messages show an address: dotted quad, or IPv6 with the longest run of zero groups as {@code ::}. */
    public static String text(InetAddress address) {
        return Address.format(address);
    }
}
