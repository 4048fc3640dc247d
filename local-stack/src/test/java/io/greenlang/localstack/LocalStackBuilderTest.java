package io.greenlang.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class LocalStackBuilderTest {

    private final Path dir = Path.of("target", "never-started");

    @Test
    void shouldUseDocumentedDefaults() {
        LocalStack stack = LocalStack.builder(dir).build();

        assertThat(stack.databaseName()).isEqualTo("greenlang");
        assertThat(stack.bucketName()).isEqualTo("greenlang-artifacts");
        assertThat(stack.s3AccessKey()).isEqualTo("gl-local");
        assertThat(stack.s3Region()).isEqualTo("us-east-1");
        assertThat(stack.postgresUser()).isEqualTo("postgres");
        assertThat(stack.dataDirectory()).isAbsolute().endsWithRaw(dir);
    }

    @Test
    void shouldRejectInvalidSettingsNamingTheSetting() {
        assertThatIllegalArgumentException().isThrownBy(() -> LocalStack.builder(dir).kafkaPort(70_000).build())
                .withMessageContaining("kafkaPort");
        assertThatIllegalArgumentException().isThrownBy(() -> LocalStack.builder(dir).kafkaPort(9092).kafkaControllerPort(9092).build())
                .withMessageContaining("kafkaControllerPort").withMessageContaining("9092");
        assertThatIllegalArgumentException().isThrownBy(() -> LocalStack.builder(dir).databaseName("Drop Table").build())
                .withMessageContaining("databaseName");
        assertThatIllegalArgumentException().isThrownBy(() -> LocalStack.builder(dir).bucketName("Upper_Case").build())
                .withMessageContaining("bucketName");
        assertThatIllegalArgumentException().isThrownBy(() -> LocalStack.builder(dir).s3Credentials(" ", "secret").build())
                .withMessageContaining("s3Credentials");
    }

    @Test
    void shouldRefuseServerAccessorsBeforeStart() {
        LocalStack stack = LocalStack.builder(dir).build();

        assertThatIllegalStateException().isThrownBy(stack::kafkaBootstrapServers).withMessageContaining("not running");
        assertThatIllegalStateException().isThrownBy(stack::jdbcUrl);
        assertThatIllegalStateException().isThrownBy(stack::s3Endpoint);
    }

    @Test
    void shouldDoNothingWhenClosingAStackThatNeverStarted() {
        LocalStack stack = LocalStack.builder(dir).build();

        stack.close();

        assertThat(stack.toString()).contains("NEW");
    }
}
