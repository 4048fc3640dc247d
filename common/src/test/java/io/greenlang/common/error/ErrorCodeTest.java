package io.greenlang.common.error;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ErrorCodeTest {

    @ParameterizedTest
    @EnumSource(ErrorCode.class)
    void shouldFindEveryCodeByItsStringIgnoringCase(ErrorCode code) {
        assertThat(ErrorCode.fromCode(code.code())).isSameAs(code);
        assertThat(ErrorCode.fromCode("  " + code.code().toLowerCase() + " ")).isSameAs(code);
    }

    @ParameterizedTest
    @EnumSource(ErrorCode.class)
    void shouldNameConstantsAfterTheirCode(ErrorCode code) {
        assertThat(code.code()).isEqualTo("GL-E-" + code.name().replace('_', '-'));
    }

    @Test
    void shouldRejectAnUnknownCodeNamingIt() {
        assertThatThrownBy(() -> ErrorCode.fromCode("GL-E-NOPE"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("GL-E-NOPE")
                .hasMessageContaining("docs/errors.md");
    }

    @Test
    void shouldMapHttpStatusByKindOfFailure() {
        assertThat(ErrorCode.YAML_INVALID.httpStatus()).isEqualTo(400);
        assertThat(ErrorCode.DAG_CYCLE.httpStatus()).isEqualTo(422);
        assertThat(ErrorCode.DATA_NOT_FOUND.httpStatus()).isEqualTo(404);
        assertThat(ErrorCode.RBAC_DENIED.httpStatus()).isEqualTo(403);
        assertThat(ErrorCode.TENANT_ISOLATION.httpStatus()).isEqualTo(403);
        assertThat(ErrorCode.API_RATE_LIMIT.httpStatus()).isEqualTo(429);
        assertThat(ErrorCode.DB_CONNECTION.httpStatus()).isEqualTo(503);
        assertThat(ErrorCode.S3_TIMEOUT.httpStatus()).isEqualTo(504);
        assertThat(ErrorCode.INTERNAL.httpStatus()).isEqualTo(500);
        for (ErrorCode code : ErrorCode.values()) {
            if (code.errorClass() == ErrorClass.POLICY_DENIED) {
                assertThat(code.httpStatus()).as(code.code()).isEqualTo(403);
            }
            if (code.errorClass() == ErrorClass.USER_CONFIG) {
                assertThat(code.httpStatus()).as(code.code()).isBetween(400, 499);
            }
        }
    }

    @Test
    void shouldClassifyResourceExhaustionAsResourceAndPlatformFailuresAsInfrastructure() {
        assertThat(ErrorCode.K8S_JOB_OOM.errorClass()).isEqualTo(ErrorClass.RESOURCE);
        assertThat(ErrorCode.K8S_QUOTA.errorClass()).isEqualTo(ErrorClass.RESOURCE);
        assertThat(ErrorCode.K8S_JOB_TIMEOUT.errorClass()).isEqualTo(ErrorClass.RESOURCE);
        assertThat(ErrorCode.K8S_IMAGEPULL.errorClass()).isEqualTo(ErrorClass.INFRASTRUCTURE);
        assertThat(ErrorCode.K8S_EVICTION.errorClass()).isEqualTo(ErrorClass.INFRASTRUCTURE);
        assertThat(ErrorCode.K8S_EVICTION.retryPolicy()).isEqualTo(RetryPolicy.BOUNDED);
        assertThat(ErrorCode.S3_ACCESS_DENIED.errorClass()).isEqualTo(ErrorClass.INFRASTRUCTURE);
        assertThat(ErrorCode.DB_TIMEOUT.errorClass()).isEqualTo(ErrorClass.INFRASTRUCTURE);
    }

    @Test
    void shouldExplainACodeWithClassRetryHttpStatusDescriptionAndFix() {
        String text = ErrorCode.fromCode("GL-E-K8S-JOB-OOM").explain();

        assertThat(text).startsWith("GL-E-K8S-JOB-OOM: Out of memory (137)")
                .contains("RESOURCE", "BOUNDED", "502", "Increase memory limit", "§6.4");
    }

    @Test
    void shouldRenderEveryCodeInTheMarkdownCatalogue() {
        String markdown = ErrorCode.toMarkdown();

        assertThat(markdown.lines().filter(l -> l.startsWith("| `GL-E-"))).hasSize(ErrorCode.values().length);
        assertThat(markdown).contains(
                "| `GL-E-API-RATE-LIMIT` | TRANSIENT | EXPONENTIAL | 429 | Rate limit exceeded | Backoff, request limit increase |");
    }

    @Test
    void shouldPrefixTheExceptionMessageWithTheCodeAndKeepDetails() {
        RuntimeException cause = new IllegalStateException("boom");
        GreenLangException e = new GreenLangException(ErrorCode.S3_TIMEOUT, "put result.json timed out", cause,
                Map.of("bucket", "artifacts", "attempt", 2));

        assertThat(e).hasMessage("GL-E-S3-TIMEOUT: put result.json timed out").hasCause(cause);
        assertThat(e.errorCode()).isSameAs(ErrorCode.S3_TIMEOUT);
        assertThat(e.detailMessage()).isEqualTo("put result.json timed out");
        assertThat(e.details()).containsEntry("bucket", "artifacts").containsEntry("attempt", 2);
        assertThat(e.isRetryable()).isTrue();
        assertThat(e.retryPolicy()).isEqualTo(RetryPolicy.EXPONENTIAL);
        assertThat(e.errorClass()).isEqualTo(ErrorClass.INFRASTRUCTURE);
        assertThat(e.httpStatus()).isEqualTo(504);
        assertThatThrownBy(() -> e.details().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void shouldCreateAnExceptionWithoutCauseOrDetails() {
        GreenLangException e = new GreenLangException(ErrorCode.DAG_CYCLE, "a -> b -> a");

        assertThat(e).hasMessage("GL-E-DAG-CYCLE: a -> b -> a").hasNoCause();
        assertThat(e.details()).isEmpty();
        assertThat(e.isRetryable()).isFalse();
    }
}
