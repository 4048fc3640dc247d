package io.greenlang.executor.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.greenlang.common.config.GlConfig;
import io.greenlang.common.config.GlConfigException;
import io.greenlang.common.metrics.GlMeters;
import io.greenlang.executor.StepExecutor;
import io.greenlang.executor.local.LocalProcessExecutor;

/** GL_EXECUTOR chooses the executor. */
class StepExecutorsTest {

    private final GlMeters meters = new GlMeters(new SimpleMeterRegistry());

    @Test
    void shouldBuildTheLocalExecutorOnTheStateDirectoryByDefault(@TempDir Path state) {
        GlConfig config = GlConfig.load(Map.of(GlConfig.WORKER_STATE_DIR, state.toString()), Optional.empty());

        try (StepExecutor executor = StepExecutors.fromConfig(config, meters)) {
            assertThat(executor).isInstanceOf(LocalProcessExecutor.class);
            assertThat(executor.name()).isEqualTo("local");
            assertThat(state.resolve("attempts")).isDirectory();
        }
    }

    @Test
    void shouldChooseTheKubernetesExecutorAndNameTheSettingWhenItsCredentialsAreMissing() {
        // In-cluster credentials outside a cluster: the Kubernetes executor is chosen and refuses to start.
        GlConfig config = GlConfig.load(Map.of(GlConfig.EXECUTOR, "kubernetes", GlConfig.K8S_IN_CLUSTER, "true"),
                Optional.empty());

        assertThatThrownBy(() -> StepExecutors.fromConfig(config, meters)).isInstanceOf(GlConfigException.class)
                .hasMessageContaining(GlConfig.K8S_IN_CLUSTER);
    }

    @Test
    void shouldTakeAnOptionalTopicPrefixAndRejectOtherArguments() {
        assertThat(WorkerMain.topicPrefix(List.of())).isEmpty();
        assertThat(WorkerMain.topicPrefix(List.of("--topic-prefix", "bench-"))).isEqualTo("bench-");
        assertThatThrownBy(() -> WorkerMain.topicPrefix(List.of("--group", "x")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
