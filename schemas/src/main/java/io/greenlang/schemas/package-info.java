/**
 * Event contracts of the GreenLang platform: the Avro wire format of every Kafka event.
 *
 * <p>The records themselves are generated from {@code src/main/avro/*.avsc} into
 * {@code io.greenlang.events.<area>}. This package adds what every producer and consumer needs
 * around them: {@link io.greenlang.schemas.EventSerdes} (the list of event types and a Kafka
 * {@code Serde} for each), {@link io.greenlang.schemas.EventSerde} (Avro single-object encoding),
 * {@link io.greenlang.schemas.ReleasedSchemas} (every released schema version, so old bytes stay
 * readable) and {@link io.greenlang.schemas.EventSamples} (one valid example of each event).
 */
package io.greenlang.schemas;
