/**
 * Packets knock builds, shared by the client and the test fixture: {@link knock.packet.IcmpEcho} makes the echo
 * request of an ICMP step. (The daemon's decoder lives with the capture, in {@code knock.server.capture}.)
 */
package knock.packet;
