package io.greenlang.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.greenlang.audit.ChainVerification.Problem;
import io.greenlang.audit.internal.ChainChecker;
import io.greenlang.common.error.ErrorCode;
import io.greenlang.common.error.GreenLangException;
import io.greenlang.common.json.Hashing;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

class ChainCheckerTest {

    private static final String A = "{\"a\":1}";
    private static final String B = "{\"b\":2}";
    private static final String C = "{\"c\":3}";
    private final String h1 = AuditHash.link(Hashing.ZERO_HASH, A);
    private final String h2 = AuditHash.link(h1, B);
    private final String h3 = AuditHash.link(h2, C);

    @Test
    void shouldAcceptAnIntactChainWhoseHeadIsTheLastEvent() {
        ChainChecker checker = new ChainChecker("t/k");
        checker.accept(1, Hashing.ZERO_HASH, h1, A);
        checker.accept(2, h1, h2, B);
        checker.accept(3, h2, h3, C);
        ChainVerification result = checker.finish(3L, h3);
        assertThat(result.valid()).isTrue();
        assertThat(result.events()).isEqualTo(3);
        assertThat(result.errorCode()).isNull();
    }

    @Test
    void shouldReportAChangedCanonicalJsonAtItsSeq() {
        ChainChecker checker = new ChainChecker("t/k");
        checker.accept(1, Hashing.ZERO_HASH, h1, A);
        assertThat(checker.accept(2, h1, h2, "{\"b\":3}")).isFalse();
        ChainVerification result = checker.finish(3L, h3);
        assertThat(result.problem()).isEqualTo(Problem.HASH_MISMATCH);
        assertThat(result.firstBadSeq()).isEqualTo(2);
        assertThat(result.errorCode()).isEqualTo(ErrorCode.AUDIT_CHAIN_BROKEN);
        Assertions.assertThatThrownBy(result::throwIfBroken)
                .isInstanceOf(GreenLangException.class)
                .hasMessageStartingWith("GL-E-AUDIT-CHAIN-BROKEN: Audit chain t/k broken at seq 2");
    }

    @Test
    void shouldReportAMissingSeqAsAGap() {
        ChainChecker checker = new ChainChecker("t/k");
        checker.accept(1, Hashing.ZERO_HASH, h1, A);
        checker.accept(3, h2, h3, C);
        ChainVerification result = checker.finish(3L, h3);
        assertThat(result.problem()).isEqualTo(Problem.SEQ_GAP);
        assertThat(result.firstBadSeq()).isEqualTo(2);
    }

    @Test
    void shouldReportADeletedTailAgainstTheHead() {
        ChainChecker checker = new ChainChecker("t/k");
        checker.accept(1, Hashing.ZERO_HASH, h1, A);
        checker.accept(2, h1, h2, B);
        ChainVerification result = checker.finish(3L, h3);
        assertThat(result.problem()).isEqualTo(Problem.HEAD_MISMATCH);
        assertThat(result.firstBadSeq()).isEqualTo(3);
    }

    @Test
    void shouldReportARelinkedEventAsPrevHashMismatch() {
        ChainChecker checker = new ChainChecker("t/k");
        checker.accept(1, Hashing.ZERO_HASH, h1, A);
        String forged = AuditHash.link(Hashing.ZERO_HASH, B);
        checker.accept(2, Hashing.ZERO_HASH, forged, B);
        ChainVerification result = checker.finish(2L, forged);
        assertThat(result.problem()).isEqualTo(Problem.PREV_HASH_MISMATCH);
        assertThat(result.firstBadSeq()).isEqualTo(2);
    }
}
