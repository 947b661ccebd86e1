/**
 * IPv4/IPv6/TCP/UDP/ICMP/ICMPv6 header views for the capture path: {@link knock.packet.PacketDecoder} reads a
 * packet that starts at its network header with absolute reads and no allocation, walks IPv6 extension headers,
 * drops fragments that cannot carry a knock, and turns everything else into primitives (family, addresses,
 * protocol, port or echo payload length). Malformed input is a {@link knock.packet.Verdict}, never an exception.
 */
package knock.packet;
