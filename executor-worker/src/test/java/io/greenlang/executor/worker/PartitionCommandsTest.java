package io.greenlang.executor.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Offsets are committed only up to the lowest command not acted on, per partition. */
class PartitionCommandsTest {

    private final PartitionCommands partition = new PartitionCommands(new TopicPartition("gl.step.commands", 3));

    @Test
    void shouldCommitNothingBeforeAnyCommandIsDone() {
        partition.received(10);
        partition.received(11);

        assertThat(partition.toCommit()).isEqualTo(OptionalLong.of(10));
        partition.commitSent(10);
        assertThat(partition.toCommit()).isEmpty();
    }

    @Test
    void shouldCommitOnlyUpToTheLowestCommandNotDoneEvenWhenLaterOnesFinishFirst() {
        partition.received(10);
        partition.received(11);
        partition.received(12);

        partition.done(11);
        partition.done(12);
        assertThat(partition.toCommit()).isEqualTo(OptionalLong.of(10));

        partition.done(10);
        assertThat(partition.toCommit()).isEqualTo(OptionalLong.of(13));
    }

    @Test
    void shouldSendAFailedCommitAgain() {
        partition.received(5);
        partition.done(5);
        partition.commitSent(6);
        assertThat(partition.toCommit()).isEmpty();

        partition.commitFailed();

        assertThat(partition.toCommit()).isEqualTo(OptionalLong.of(6));
    }

    @Test
    void shouldTellWhatIsNotConfirmedYetWhenThePartitionIsGivenUp() {
        partition.received(5);
        partition.done(5);
        partition.commitSent(6);
        assertThat(partition.uncommitted()).isEqualTo(OptionalLong.of(6));

        partition.commitSucceeded(6);

        assertThat(partition.uncommitted()).isEmpty();
    }
}
