package io.greenlang.schemas;

import io.greenlang.events.admin.AdminAction;
import io.greenlang.events.agent.AgentAlert;
import io.greenlang.events.agent.AgentHealth;
import io.greenlang.events.agent.AgentHeartbeat;
import io.greenlang.events.common.DeadLetter;
import io.greenlang.events.plant.DispatchPlan;
import io.greenlang.events.plant.PlantAlert;
import io.greenlang.events.plant.PlantState;
import io.greenlang.events.plant.TelemetryAggregate;
import io.greenlang.events.policy.PolicyDecision;
import io.greenlang.events.run.RunCommand;
import io.greenlang.events.run.RunEvent;
import io.greenlang.events.run.RunRequested;
import io.greenlang.events.run.RunState;
import io.greenlang.events.run.StepCommand;
import io.greenlang.events.run.StepEvent;
import io.greenlang.events.scada.ScadaConnectionStatus;
import io.greenlang.events.scada.SetpointWrite;
import io.greenlang.events.scada.TelemetryBatch;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.avro.specific.SpecificRecord;

/**
 * The list of top-level event types and the factory of their Kafka serdes.
 *
 * <p>A top-level event is a record that is written on its own as a Kafka value: one per topic in
 * ARCHITECTURE.md §3. Shared sub-records ({@code EventMeta}, {@code Producer}, {@code StepState},
 * {@code TagSample}, ...) are only ever embedded in events, so they have no serde and no released
 * versions of their own.
 *
 * <p>Serdes are created on first use, cached and shared; they are immutable and thread-safe. This
 * class must never hand out a serde for a type that has no released schema (anything outside
 * {@link #EVENT_TYPES}), since bytes written with such a type could not be guaranteed readable later.
 */
public final class EventSerdes {

  /**
   * Every top-level event class (19), in the order of the topic table. {@code EventMeta} is not
   * included: it is the envelope embedded in every event, never a message on its own.
   */
  public static final List<Class<? extends SpecificRecord>> EVENT_TYPES = List.of(
      RunRequested.class,
      RunCommand.class,
      StepEvent.class,
      StepCommand.class,
      RunEvent.class,
      RunState.class,
      PolicyDecision.class,
      TelemetryBatch.class,
      ScadaConnectionStatus.class,
      PlantState.class,
      TelemetryAggregate.class,
      PlantAlert.class,
      AgentHeartbeat.class,
      AgentHealth.class,
      AgentAlert.class,
      DispatchPlan.class,
      SetpointWrite.class,
      AdminAction.class,
      DeadLetter.class);

  private static final ConcurrentMap<Key, EventSerde<?>> CACHE = new ConcurrentHashMap<>();

  private EventSerdes() {
  }

  /**
   * The serde of an event type, treating null bytes as tombstones (null bytes read as null, a null
   * value writes null bytes), which compacted topics and Kafka Streams tables need.
   *
   * @param type one of {@link #EVENT_TYPES}
   * @param <T> the event class
   * @return the shared serde, decoding with {@link ReleasedSchemas#production()}
   * @throws IllegalArgumentException if {@code type} is not in {@link #EVENT_TYPES}
   */
  public static <T extends SpecificRecord> EventSerde<T> serde(Class<T> type) {
    return serde(type, EventSerde.NullBytes.TOMBSTONE);
  }

  /**
   * The serde of an event type with the given null handling; use {@link EventSerde.NullBytes#REJECT}
   * on topics where a null value can only be a bug.
   *
   * @param type one of {@link #EVENT_TYPES}
   * @param nullBytes what null bytes and null values mean
   * @param <T> the event class
   * @return the shared serde, decoding with {@link ReleasedSchemas#production()}
   * @throws IllegalArgumentException if {@code type} is not in {@link #EVENT_TYPES}
   */
  public static <T extends SpecificRecord> EventSerde<T> serde(Class<T> type, EventSerde.NullBytes nullBytes) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(nullBytes, "nullBytes");
    if (!EVENT_TYPES.contains(type)) {
      throw new IllegalArgumentException(type.getName() + " is not a top-level event type (see "
          + "EventSerdes.EVENT_TYPES); only those have released schemas and may be written to Kafka");
    }
    EventSerde<?> serde = CACHE.computeIfAbsent(new Key(type, nullBytes),
        key -> new EventSerde<>(type, ReleasedSchemas.production(), nullBytes));
    @SuppressWarnings("unchecked") // the key's class is the serde's class
    EventSerde<T> typed = (EventSerde<T>) serde;
    return typed;
  }

  private record Key(Class<?> type, EventSerde.NullBytes nullBytes) {
  }
}
