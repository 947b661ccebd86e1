/**
 * The user's knock profiles: a file in the style of {@code ssh_config(5)}, read by
 * {@link knock.client.profile.ProfileFile}. {@code Host} lines open blocks of patterns ({@code *} and
 * {@code ?} wildcards, {@code !} to exclude), keywords are case-insensitive, and for each keyword the first
 * value from a matching block wins, so specific blocks go first and {@code Host *} last. Every line is checked
 * when the file is read, whichever host is asked for; errors lead with {@code file:line}.
 */
package knock.client.profile;
