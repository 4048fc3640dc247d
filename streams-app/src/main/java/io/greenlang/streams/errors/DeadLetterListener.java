package io.greenlang.streams.errors;

import io.greenlang.events.common.DeadLetter;

/**
 * Told about every record a dead-letter handler parks, before it is written (for metrics and tests). Called on
 * a stream thread: implementations must be fast and thread-safe and must never throw.
 */
@FunctionalInterface
public interface DeadLetterListener {

    /** One record is being dead-lettered. */
    void deadLettered(DeadLetter letter);
}
