package io.greenlang.gateway.submit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class RunSubmissionsTest {

    @Test
    void shouldHashTheRequestIndependentlyOfMapOrder() {
        Map<String, String> ab = new LinkedHashMap<>();
        ab.put("a", "1");
        ab.put("b", "2");
        Map<String, String> ba = new LinkedHashMap<>();
        ba.put("b", "2");
        ba.put("a", "1");

        assertThat(RunSubmissions.requestHash("acme", "doc", ab, Map.of()))
                .isEqualTo(RunSubmissions.requestHash("acme", "doc", ba, Map.of()))
                .hasSize(64);
        assertThat(RunSubmissions.requestHash("acme", "doc", ab, Map.of()))
                .isNotEqualTo(RunSubmissions.requestHash("globex", "doc", ab, Map.of()))
                .isNotEqualTo(RunSubmissions.requestHash("acme", "doc2", ab, Map.of()))
                .isNotEqualTo(RunSubmissions.requestHash("acme", "doc", Map.of("a", "1"), Map.of()))
                .isNotEqualTo(RunSubmissions.requestHash("acme", "doc", ab, Map.of("team", "x")));
    }

    @Test
    void shouldRefuseSettingsThatWouldReachSqlUnquoted() {
        assertThatThrownBy(() -> new SubmitSettings("gw; drop", "gl_outbox", Duration.ofMillis(10), "h", 5432, "db",
                "u", "", "api-gateway")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SubmitSettings("gateway", "Slot-1", Duration.ofMillis(10), "h", 5432, "db",
                "u", "", "api-gateway")).isInstanceOf(IllegalArgumentException.class);
        assertThat(new SubmitSettings("gateway", "gl_outbox", Duration.ofMillis(10), "h", 5432, "db", "u", null,
                "api-gateway").password()).isEmpty();
    }
}
