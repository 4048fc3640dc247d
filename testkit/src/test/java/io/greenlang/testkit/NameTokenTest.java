package io.greenlang.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NameTokenTest {

    @Test
    void shouldDeriveTheSameTokenForTheSameClassOnEveryRun() {
        assertThat(SharedStack.token("io.greenlang.topics.TopicAdminIT", 0))
                .isEqualTo(SharedStack.token("io.greenlang.topics.TopicAdminIT", 0));
    }

    @Test
    void shouldDeriveATokenUsableAsTopicPrefixSchemaAndBucketName() {
        String token = SharedStack.token("io.greenlang.pipeline.RunLifecycleIT$WhenAStepFails", 0);

        assertThat(token).matches("t[0-9a-f]{8}");
    }

    @Test
    void shouldDeriveAnotherTokenOnTheNextAttemptAfterACollision() {
        assertThat(SharedStack.token("io.greenlang.X", 1)).isNotEqualTo(SharedStack.token("io.greenlang.X", 0));
    }
}
