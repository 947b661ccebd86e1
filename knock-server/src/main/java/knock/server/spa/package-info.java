/**
 * The server's side of signed knocks: checks each datagram to a {@code spa-port} from the cheapest test to the
 * dearest (gate MAC, replay cache, per-source and global rations, decryption, key and options, signature), so a
 * flood of any kind costs bounded CPU and memory, and hands what passes to the tracker's admissions.
 */
package knock.server.spa;
