package io.greenlang.executor.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * {@code deploy/rbac/executor-rbac.yaml} grants the executor what it calls (the runbook's rules plus patch on jobs
 * for the reported annotation) and nothing to the step Jobs' service account. The mock API server does not
 * enforce RBAC, so this is the check that the manifest and the code agree.
 */
class KubernetesRbacManifestTest {

    private static final Path MANIFEST = Path.of("..", "deploy", "rbac", "executor-rbac.yaml");

    @Test
    void shouldGrantTheExecutorJobsAndPodsAccessAndTheRunnerNothing() throws IOException {
        List<HasMetadata> objects;
        try (var in = Files.newInputStream(MANIFEST)) {
            objects = new KubernetesSerialization().unmarshal(in);
        }

        assertThat(objects).allSatisfy(o -> assertThat(o.getMetadata().getNamespace()).isEqualTo("greenlang"));
        Role role = only(objects, Role.class);
        assertThat(role.getMetadata().getName()).isEqualTo("greenlang-executor");
        PolicyRule jobs = role.getRules().stream().filter(r -> r.getResources().contains("jobs")).findFirst()
                .orElseThrow();
        assertThat(jobs.getApiGroups()).containsExactly("batch");
        assertThat(jobs.getVerbs()).containsExactlyInAnyOrder("create", "delete", "get", "list", "watch", "patch");
        PolicyRule pods = role.getRules().stream().filter(r -> r.getResources().contains("pods")).findFirst()
                .orElseThrow();
        assertThat(pods.getApiGroups()).containsExactly("");
        assertThat(pods.getResources()).containsExactlyInAnyOrder("pods", "pods/log");
        assertThat(pods.getVerbs()).containsExactlyInAnyOrder("get", "list", "watch");
        assertThat(role.getRules()).hasSize(2);

        RoleBinding binding = only(objects, RoleBinding.class);
        assertThat(binding.getRoleRef().getName()).isEqualTo("greenlang-executor");
        assertThat(binding.getSubjects()).singleElement()
                .satisfies(s -> assertThat(s.getName()).isEqualTo("greenlang-executor"));

        assertThat(objects).filteredOn(ServiceAccount.class::isInstance).extracting(o -> o.getMetadata().getName())
                .containsExactlyInAnyOrder("greenlang-executor", "greenlang-runner");
        ServiceAccount runner = objects.stream().filter(ServiceAccount.class::isInstance).map(ServiceAccount.class::cast)
                .filter(sa -> sa.getMetadata().getName().equals("greenlang-runner")).findFirst().orElseThrow();
        assertThat(runner.getAutomountServiceAccountToken()).isFalse();
    }

    private static <T> T only(List<HasMetadata> objects, Class<T> type) {
        List<T> found = objects.stream().filter(type::isInstance).map(type::cast).toList();
        assertThat(found).hasSize(1);
        return found.get(0);
    }
}
