package knock.testnet;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class or method that builds a {@link TestNetwork}: it needs root (CAP_SYS_ADMIN,
 * CAP_NET_ADMIN, CAP_NET_RAW), {@code ip}, {@code iptables-restore} and {@code ip6tables-restore}.
 *
 * <p>Without them the test is skipped with a reason naming what is missing, so {@code ./mvnw verify} works
 * for a normal user. Under {@code CI=true} it is never skipped: it runs, and {@link TestNetwork#create()}
 * fails naming what is missing, so a CI box without root cannot pass by testing nothing. Tagged
 * {@code netns} to select or exclude these tests ({@code -Dgroups=netns}, {@code -DexcludedGroups=netns}).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Tag("netns")
@ExtendWith(NetnsCondition.class)
public @interface NetnsTest {
}
