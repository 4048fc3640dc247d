package io.greenlang.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.greenlang.events.run.RunState;
import io.greenlang.events.run.StepState;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class EventSamplesTest {

  @Test
  void shouldGiveOneSampleOfEveryEventTypeInCatalogOrder() {
    assertThat(EventSamples.all())
        .extracting(SpecificRecord::getClass)
        .containsExactlyElementsOf(EventSerdes.EVENT_TYPES);
  }

  @Test
  void shouldGiveFreshEqualInstanceOnEveryCall() {
    RunState first = EventSamples.sample(RunState.class);
    RunState second = EventSamples.sample(RunState.class);
    first.getSteps().clear();

    assertThat(second).isNotSameAs(first);
    assertThat(second.getSteps()).hasSize(2);
    assertThat(EventSamples.sample(RunState.class)).isEqualTo(second);
  }

  @Test
  void shouldRefuseTypeWithoutSample() {
    assertThatThrownBy(() -> EventSamples.sample(StepState.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("No sample for io.greenlang.events.run.StepState");
  }
}
