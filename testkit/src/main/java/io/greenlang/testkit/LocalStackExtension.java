package io.greenlang.testkit;

import io.greenlang.localstack.LocalStack;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts one {@link LocalStack} per test JVM on first use (kept in the root {@link ExtensionContext.Store},
 * so JUnit stops it once, when the JVM's tests end) and resolves {@link TestInfra} (one per test class,
 * {@code @Nested} classes included) and {@link LocalStack} parameters. Usually applied through
 * {@link GreenLangIntegrationTest}.
 *
 * <p>It never starts a second stack in the same JVM, never stops the stack between classes and never cleans
 * up after a class: isolation comes from the names in {@link TestInfra}.
 */
public final class LocalStackExtension implements BeforeAllCallback, ParameterResolver {

    private static final Namespace NAMESPACE = Namespace.create(LocalStackExtension.class);

    /**
     * How many times a stack was started in this JVM: 1 once any test class used it. For the testkit's own
     * tests, which prove that classes share one stack.
     */
    public static int startCount() {
        return SharedStack.starts();
    }

    /** Starts the stack before the class's first test, so the start is not billed to a test's timeout. */
    @Override
    public void beforeAll(ExtensionContext context) {
        infra(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        return type == TestInfra.class || type == LocalStack.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        return type == LocalStack.class ? shared(extensionContext).stack() : infra(extensionContext);
    }

    private static SharedStack shared(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .computeIfAbsent(SharedStack.class, key -> SharedStack.start(), SharedStack.class);
    }

    /** The test class's infra, kept in that class's store under the class itself (nested classes have their own). */
    private static TestInfra infra(ExtensionContext context) {
        ExtensionContext classContext = classContext(context);
        Class<?> testClass = classContext.getRequiredTestClass();
        SharedStack shared = shared(context);
        return classContext.getStore(NAMESPACE)
                .computeIfAbsent(testClass, key -> new TestInfra(shared, testClass), TestInfra.class);
    }

    /** The nearest context, from {@code context} up, that belongs to a class rather than a method. */
    private static ExtensionContext classContext(ExtensionContext context) {
        ExtensionContext current = context;
        while (current.getTestMethod().isPresent() || current.getTestClass().isEmpty()) {
            current = current.getParent().orElseThrow(() ->
                    new IllegalStateException("TestInfra is per test class; no test class around " + context.getUniqueId()));
        }
        return current;
    }
}
