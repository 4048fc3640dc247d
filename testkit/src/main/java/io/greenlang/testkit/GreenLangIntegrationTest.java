package io.greenlang.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class ({@code *IT}, run by failsafe) that uses the real servers of the shared
 * {@link io.greenlang.localstack.LocalStack}: its test methods, constructors and lifecycle methods may take a
 * {@link TestInfra} (this class's topic prefix, schema and bucket) or the {@link io.greenlang.localstack.LocalStack}
 * itself as parameters. The servers start once per test JVM, on first use, and stop when the JVM's tests end.
 *
 * <pre>{@code
 * @GreenLangIntegrationTest
 * class OutboxRelayIT {
 *     @Test
 *     void shouldPublishInsertedOutboxRow(TestInfra infra) { ... }
 * }
 * }</pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@Tag("integration")
@ExtendWith(LocalStackExtension.class)
public @interface GreenLangIntegrationTest {
}
