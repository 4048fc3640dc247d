package io.greenlang.executor.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.greenlang.executor.AttemptId;

/** The Job naming rule and label sanitising (pure code). */
class K8sJobNamesTest {

    private static final String DNS_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    private static final String LABEL_VALUE = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";
    private static final String RUN = "0f8fad5b-d9cb-469f-a165-70867728950e";

    @Test
    void shouldNameTheJobGlStepAttemptHashFromTheAttemptAlone() {
        AttemptId id = new AttemptId("tenant-a", RUN, "mrv", 2);

        String name = K8sJobNames.jobName(id);

        assertThat(name).matches("gl-mrv-2-[0-9a-f]{12}").matches(DNS_LABEL);
        assertThat(K8sJobNames.jobName(new AttemptId("another-tenant", RUN, "mrv", 2)))
                .as("the run id is unique across tenants, so the tenant is not part of the name").isEqualTo(name);
        // sha256("<run>/<step>/<attempt>"), documented so that operators can reproduce it with sha256sum
        assertThat(name).endsWith(io.greenlang.common.json.Hashing.sha256Hex(RUN + "/mrv/2").substring(0, 12));
    }

    @Test
    void shouldGiveEveryRunStepAndAttemptItsOwnName() {
        String base = K8sJobNames.jobName(new AttemptId("t", RUN, "mrv", 1));
        assertThat(K8sJobNames.jobName(new AttemptId("t", RUN, "mrv", 2))).isNotEqualTo(base);
        assertThat(K8sJobNames.jobName(new AttemptId("t", UUID.randomUUID().toString(), "mrv", 1)))
                .isNotEqualTo(base);
        assertThat(K8sJobNames.jobName(new AttemptId("t", RUN, "MRV", 1)))
                .as("same sanitised prefix, different step").startsWith("gl-mrv-1-").isNotEqualTo(base);
    }

    @Test
    void shouldLowerCaseAndReplaceUnderscoresAndCutLongStepNamesToADnsLabel() {
        assertThat(K8sJobNames.jobName(new AttemptId("t", RUN, "MRV__Calc_", 3))).startsWith("gl-mrv-calc-3-");
        String longStep = "a_very_long_step_name_that_goes_on_and_on_and_on_well_past_any_limit_" + "x".repeat(100);
        String name = K8sJobNames.jobName(new AttemptId("t", RUN, longStep, Integer.MAX_VALUE));
        assertThat(name).hasSizeLessThanOrEqualTo(63).matches(DNS_LABEL).contains("-2147483647-");
        assertThat(K8sJobNames.jobName(new AttemptId("t", RUN, "___", 1))).matches("gl-step-1-[0-9a-f]{12}");
    }

    @Test
    void shouldCutLabelValuesToTheLabelSyntax() {
        assertThat(K8sJobNames.labelValue("MRV_Calc.v2")).isEqualTo("MRV_Calc.v2");
        assertThat(K8sJobNames.labelValue("Acme Corp / EU")).isEqualTo("Acme-Corp---EU").matches(LABEL_VALUE);
        assertThat(K8sJobNames.labelValue("_x_")).isEqualTo("x");
        assertThat(K8sJobNames.labelValue("t".repeat(70) + "!")).hasSize(63).matches(LABEL_VALUE);
        assertThat(K8sJobNames.labelValue("")).isEmpty();
    }
}
