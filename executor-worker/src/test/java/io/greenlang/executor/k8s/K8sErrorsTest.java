package io.greenlang.executor.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.greenlang.common.error.ErrorCode;
import io.greenlang.common.error.GreenLangException;

/** Kubernetes API failures to GreenLang codes (pure code). */
class K8sErrorsTest {

    @Test
    void shouldMapAQuotaRefusalToK8sQuotaAndOtherRefusalsToInternal() {
        assertThat(code(status(403, "pods \"x\" is forbidden: exceeded quota: compute, requested: cpu=2")))
                .isEqualTo(ErrorCode.K8S_QUOTA);
        assertThat(code(status(403, "jobs.batch is forbidden: User \"system:serviceaccount:greenlang:x\" cannot "
                + "create resource \"jobs\"")))
                .as("missing RBAC is the platform's fault, not retryable").isEqualTo(ErrorCode.INTERNAL);
    }

    @Test
    void shouldMapRejectionsThrottlingServerErrorsAndNetworkFailures() {
        assertThat(code(status(422, "Job.batch \"x\" is invalid"))).isEqualTo(ErrorCode.AGENT_CRASH);
        assertThat(code(status(429, "Too many requests"))).isEqualTo(ErrorCode.API_RATE_LIMIT);
        assertThat(code(status(503, "etcd unavailable"))).isEqualTo(ErrorCode.API_5XX);
        assertThat(code(new KubernetesClientException("boom", new ConnectException("refused"))))
                .isEqualTo(ErrorCode.NETWORK_REFUSED);
        assertThat(code(new KubernetesClientException("boom", new java.net.SocketTimeoutException("slow"))))
                .isEqualTo(ErrorCode.NETWORK_TIMEOUT);
    }

    @Test
    void shouldKeepTheJobAndStatusInTheDetails() {
        GreenLangException e = K8sErrors.toGreenLang(status(503, "down"), "create Job j", "j");

        assertThat(e.details()).containsEntry("job", "j").containsEntry("http_status", 503);
        assertThat(e.getMessage()).startsWith("GL-E-API-5XX: cannot create Job j");
    }

    private static ErrorCode code(KubernetesClientException e) {
        return K8sErrors.toGreenLang(e, "create Job j", "j").errorCode();
    }

    private static KubernetesClientException status(int code, String message) {
        return new KubernetesClientException(new StatusBuilder().withCode(code).withMessage(message).build());
    }
}
