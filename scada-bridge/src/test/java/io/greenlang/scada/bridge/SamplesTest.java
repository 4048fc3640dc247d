package io.greenlang.scada.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.junit.jupiter.api.Test;

import io.greenlang.events.scada.TagSample;

class SamplesTest {

    private static final Instant SOURCE = Instant.parse("2026-11-23T05:00:00Z");
    private static final Instant SERVER = Instant.parse("2026-11-23T05:00:00.010Z");
    private static final Instant RECEIVED = Instant.parse("2026-11-23T05:00:00.050Z");

    @Test
    void shouldCarryValueGoodQualityAndBothTimestampsWhenTheServerSendsThem() {
        TagSample s = Samples.of("B1.DRUM.PRESSURE_BAR", new DataValue(new Variant(41.5), StatusCode.GOOD,
                new DateTime(SOURCE), new DateTime(SERVER)), RECEIVED);

        assertThat(s.getTag()).isEqualTo("B1.DRUM.PRESSURE_BAR");
        assertThat(s.getValue()).isEqualTo(41.5);
        assertThat(s.getQuality().getStatusCode()).isZero();
        assertThat(s.getQuality().getName()).isEqualTo("Good");
        assertThat(s.getSourceTimestamp()).isEqualTo(SOURCE);
        assertThat(s.getServerTimestamp()).isEqualTo(SERVER);
    }

    @Test
    void shouldDropTheValueAndNameTheStatusWhenQualityIsBad() {
        TagSample s = Samples.of("B1.X", new DataValue(new Variant(1.0), new StatusCode(StatusCodes.Bad_CommunicationError),
                new DateTime(SOURCE), new DateTime(SERVER)), RECEIVED);

        assertThat(s.getValue()).isNull();
        assertThat(s.getQuality().getStatusCode()).isEqualTo(StatusCodes.Bad_CommunicationError & 0xFFFFFFFFL);
        assertThat(s.getQuality().getName()).isEqualTo("Bad_CommunicationError");
    }

    @Test
    void shouldFallBackToServerThenReceiveTimeWhenTimestampsAreMissing() {
        TagSample serverOnly = Samples.of("B1.X", new DataValue(new Variant(1.0), StatusCode.GOOD, null,
                new DateTime(SERVER)), RECEIVED);
        TagSample none = Samples.of("B1.X", new DataValue(new Variant(1.0), StatusCode.GOOD, null, null), RECEIVED);

        assertThat(serverOnly.getSourceTimestamp()).isEqualTo(SERVER);
        assertThat(none.getSourceTimestamp()).isEqualTo(RECEIVED);
        assertThat(none.getServerTimestamp()).isNull();
    }

    @Test
    void shouldReportBooleansAsOneOrZeroAndTextAsNoValue() {
        assertThat(Samples.of("T", new DataValue(new Variant(true)), RECEIVED).getValue()).isEqualTo(1.0);
        assertThat(Samples.of("T", new DataValue(new Variant(false)), RECEIVED).getValue()).isEqualTo(0.0);
        assertThat(Samples.of("T", new DataValue(new Variant("on")), RECEIVED).getValue()).isNull();
    }
}
