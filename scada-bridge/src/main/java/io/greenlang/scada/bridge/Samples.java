package io.greenlang.scada.bridge;

import java.time.Instant;

import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;

import io.greenlang.events.scada.TagQuality;
import io.greenlang.events.scada.TagSample;

/** Conversion of OPC UA data values to {@link TagSample}s. */
final class Samples {

    private Samples() {
    }

    /**
     * The sample of one data value: numbers as doubles, booleans as 1/0, anything else (or a value with a bad
     * status) as null; the StatusCode as quality; the source time, else the server time, else {@code received}.
     */
    static TagSample of(String tag, DataValue value, Instant received) {
        StatusCode status = value.getStatusCode() == null ? StatusCode.GOOD : value.getStatusCode();
        Object raw = value.getValue() == null ? null : value.getValue().getValue();
        Double number = raw instanceof Number n ? Double.valueOf(n.doubleValue())
                : raw instanceof Boolean b ? Double.valueOf(b ? 1 : 0) : null;
        if (status.isBad()) {
            number = null;
        }
        Instant server = instant(value.getServerTime());
        Instant source = instant(value.getSourceTime());
        return TagSample.newBuilder()
                .setTag(tag)
                .setValue(number)
                .setQuality(quality(status))
                .setSourceTimestamp(source != null ? source : server != null ? server : received)
                .setServerTimestamp(server)
                .build();
    }

    /** The quality record of a StatusCode: its unsigned value and symbolic name. */
    static TagQuality quality(StatusCode status) {
        long code = status.getValue() & 0xFFFFFFFFL;
        // the name is that of the code without its info bits (overflow, limits)
        String name = status.isGood() && (code & 0xFFFF0000L) == 0 ? "Good"
                : StatusCodes.lookup(code & 0xFFFF0000L).map(n -> n[0]).orElse("0x" + Long.toHexString(code));
        return TagQuality.newBuilder().setStatusCode(code).setName(name).build();
    }

    private static Instant instant(DateTime time) {
        return time == null || time.isNull() || !time.isValid() ? null : time.getJavaInstant();
    }
}
