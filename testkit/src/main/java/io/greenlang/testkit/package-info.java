/**
 * JUnit Jupiter support for integration tests against real servers: {@link
 * io.greenlang.testkit.GreenLangIntegrationTest} starts one {@link io.greenlang.localstack.LocalStack} per test
 * JVM and hands each test class a {@link io.greenlang.testkit.TestInfra} with its own topic prefix, database
 * schema and bucket.
 *
 * <p>Test scope only: production code never depends on this package.
 */
package io.greenlang.testkit;
