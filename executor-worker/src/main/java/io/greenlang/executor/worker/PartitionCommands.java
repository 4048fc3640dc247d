package io.greenlang.executor.worker;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.TreeSet;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

import io.greenlang.events.run.StepCommand;

/**
 * One assigned partition of {@code gl.step.commands} as the poll loop sees it: the commands read but not yet acted
 * on, and which offsets are done. A START is done once its STARTED (or FAILED) event is acknowledged, a CANCEL once
 * the stop was requested or answered. The committed position is the lowest offset not done (or the end of what was
 * read when all are), so a command is never committed before it was acted on, even when later ones finish first.
 *
 * <p>Used by the poll thread only; not thread-safe. A new instance is made for each assignment, so that an
 * acknowledgement arriving after the partition was revoked cannot touch the offsets of a later assignment.
 */
final class PartitionCommands {

    private final TopicPartition partition;
    private final TreeSet<Long> notDone = new TreeSet<>();
    private Deque<ConsumerRecord<String, StepCommand>> waiting = new ArrayDeque<>();
    /** The offset after the highest one read; -1 before the first. */
    private long end = -1;
    /** The highest position a commit was sent for. */
    private long requested = -1;
    /** The highest position the broker confirmed. */
    private long committed = -1;
    private boolean paused;

    PartitionCommands(TopicPartition partition) {
        this.partition = Objects.requireNonNull(partition, "partition");
    }

    TopicPartition partition() {
        return partition;
    }

    /** An offset was read; it is not done until {@link #done} is called for it. */
    void received(long offset) {
        notDone.add(offset);
        end = Math.max(end, offset + 1);
    }

    /** The command at {@code offset} was acted on. */
    void done(long offset) {
        notDone.remove(offset);
    }

    /** The position to commit now: the lowest offset not done, or the end; empty when already sent. */
    OptionalLong toCommit() {
        long position = position();
        return position > requested ? OptionalLong.of(position) : OptionalLong.empty();
    }

    /** The position to commit before giving the partition up; empty when the broker has it already. */
    OptionalLong uncommitted() {
        long position = position();
        return position > committed ? OptionalLong.of(position) : OptionalLong.empty();
    }

    private long position() {
        return notDone.isEmpty() ? end : notDone.first();
    }

    void commitSent(long position) {
        requested = Math.max(requested, position);
    }

    void commitSucceeded(long position) {
        committed = Math.max(committed, position);
    }

    /** A commit failed: the next {@link #toCommit()} sends the position again. */
    void commitFailed() {
        requested = committed;
    }

    /** Commands read and not yet acted on, in partition order. */
    Deque<ConsumerRecord<String, StepCommand>> waiting() {
        return waiting;
    }

    void replaceWaiting(Deque<ConsumerRecord<String, StepCommand>> remaining) {
        this.waiting = remaining;
    }

    boolean paused() {
        return paused;
    }

    void paused(boolean paused) {
        this.paused = paused;
    }

    @Override
    public String toString() {
        return partition + "[waiting " + waiting.size() + ", not done " + notDone.size() + ", committed " + committed
                + "]";
    }
}
