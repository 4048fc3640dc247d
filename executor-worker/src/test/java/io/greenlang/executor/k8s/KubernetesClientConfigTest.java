package io.greenlang.executor.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.client.Config;
import io.greenlang.common.config.GlConfigException;

/** {@code GL_K8S_IN_CLUSTER}: the pod's service account versus the kubeconfig. */
class KubernetesClientConfigTest {

    @TempDir
    Path dir;

    @Test
    void shouldUseTheServiceAccountInCluster() throws IOException {
        Files.writeString(dir.resolve("token"), "token-1\n");
        Files.writeString(dir.resolve("ca.crt"), "not read here");

        Config config = KubernetesJobExecutor.clientConfig(true,
                Map.of("KUBERNETES_SERVICE_HOST", "10.0.0.1", "KUBERNETES_SERVICE_PORT", "443"), dir);

        assertThat(config.getMasterUrl()).startsWith("https://10.0.0.1:443");
        assertThat(config.getCaCertFile()).isEqualTo(dir.resolve("ca.crt").toString());
        assertThat(config.getOauthTokenProvider().getToken()).isEqualTo("token-1");
        Files.writeString(dir.resolve("token"), "token-2");
        assertThat(config.getOauthTokenProvider().getToken()).as("re-read: the kubelet rotates it")
                .isEqualTo("token-2");
    }

    @Test
    void shouldRefuseInClusterOutsideAPodNamingTheKey() {
        assertThatThrownBy(() -> KubernetesJobExecutor.clientConfig(true, Map.of(), dir))
                .isInstanceOf(GlConfigException.class).hasMessageContaining("GL_K8S_IN_CLUSTER=true");
    }

    @Test
    void shouldReadTheKubeconfigOutsideTheCluster() throws IOException {
        Path kubeconfig = dir.resolve("config");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: dev
                  cluster:
                    server: https://dev.example:6443
                users:
                - name: me
                  user:
                    token: abc
                contexts:
                - name: dev
                  context:
                    cluster: dev
                    user: me
                    namespace: greenlang
                current-context: dev
                """);

        Config config = KubernetesJobExecutor.clientConfig(false, Map.of("KUBECONFIG", kubeconfig.toString()), dir);

        assertThat(config.getMasterUrl()).startsWith("https://dev.example:6443");
        assertThat(config.getCurrentContext().getName()).isEqualTo("dev");
        assertThat(config.getNamespace()).isEqualTo("greenlang");
        assertThatThrownBy(() -> KubernetesJobExecutor.clientConfig(false,
                Map.of("KUBECONFIG", dir.resolve("missing").toString()), dir))
                .isInstanceOf(GlConfigException.class).hasMessageContaining("GL_K8S_IN_CLUSTER=false");
    }
}
