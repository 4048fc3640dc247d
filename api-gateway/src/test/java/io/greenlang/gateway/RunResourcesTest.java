package io.greenlang.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;

import io.greenlang.audit.AuditStore;
import io.greenlang.common.error.ErrorCode;
import io.greenlang.common.error.GreenLangException;
import org.junit.jupiter.api.Test;

/** Parameter parsing of the run routes, without a server. */
class RunResourcesTest {

    @Test
    void shouldRoundTripACursorAndRefuseOneItDidNotIssue() {
        String cursor = RunResources.encodeCursor("run-42/ü");

        assertThat(RunResources.decodeCursor(cursor)).isEqualTo("run-42/ü");
        assertThatThrownBy(() -> RunResources.decodeCursor("cnVuLTQy")) // "run-42" without the prefix
                .isInstanceOfSatisfying(ProblemException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.code()).isEqualTo(ErrorCode.PARAM_TYPE);
                });
    }

    @Test
    void shouldDefaultTheLimitAndBoundItByTheStoresMaximum() {
        assertThat(RunResources.limit(null)).isEqualTo(RunResources.DEFAULT_LIMIT);
        assertThat(RunResources.limit(" 7 ")).isEqualTo(7);
        assertThat(RunResources.limit(String.valueOf(AuditStore.MAX_RUNS_PAGE))).isEqualTo(AuditStore.MAX_RUNS_PAGE);
        assertThatThrownBy(() -> RunResources.limit("-1")).isInstanceOfSatisfying(ProblemException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.PARAM_RANGE));
    }

    @Test
    void shouldAcceptARunStatusInAnyCaseAndRefuseAnUnknownOne() {
        assertThat(RunResources.status("running")).isEqualTo("RUNNING");
        assertThat(RunResources.status("")).isNull();
        assertThatThrownBy(() -> RunResources.status("sleeping")).isInstanceOf(ProblemException.class);
    }

    @Test
    void shouldConfineATenantBoundCallersRunListToItsTenant() {
        Principal tenantViewer = new Principal("k1", "tenant-a", Set.of(Role.VIEWER));
        Principal operator = new Principal("k2", Principal.ALL_TENANTS, Set.of(Role.VIEWER));

        assertThat(RunResources.visibleTenant(tenantViewer, null)).isEqualTo("tenant-a");
        assertThat(RunResources.visibleTenant(tenantViewer, "tenant-a")).isEqualTo("tenant-a");
        assertThat(RunResources.visibleTenant(operator, null)).isNull();
        assertThat(RunResources.visibleTenant(operator, "tenant-b")).isEqualTo("tenant-b");
        assertThatThrownBy(() -> RunResources.visibleTenant(tenantViewer, "tenant-b"))
                .isInstanceOfSatisfying(GreenLangException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.TENANT_ISOLATION));
    }
}
