/**
 * Shared roots: {@link knock.KnockException}, whose subclasses in each package carry an exit code and a one-line
 * message for the command line.
 */
package knock;
