package io.greenlang.pipeline;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Pattern;

import io.greenlang.common.error.ErrorCode;
import io.greenlang.common.json.CanonicalJson;
import io.greenlang.pipeline.GlipDocument.ParameterSpec;

/**
 * Converts parameter values to their declared {@link ParameterType} and checks them against the declaration
 * (enum values, min and max). One place for these rules, used for values given by the caller and for defaults
 * written in the document. Never throws for a bad value: the problem is returned.
 */
final class Parameters {

    private static final Pattern INTEGER = Pattern.compile("[-+]?[0-9]+");
    private static final Pattern NUMBER = Pattern.compile("[-+]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][-+]?[0-9]+)?");

    private Parameters() {
    }

    /**
     * The typed value, or the problem with it ({@code value} is null exactly when {@code code} is not).
     */
    record Conversion(Object value, ErrorCode code, String message) {

        static Conversion ok(Object value) {
            return new Conversion(value, null, null);
        }

        static Conversion fail(ErrorCode code, String message) {
            return new Conversion(null, code, message);
        }

        boolean failed() {
            return code != null;
        }
    }

    /** A value given as text (by the caller of a run, or {@code --param k=v}) converted and checked. */
    static Conversion fromText(ParameterSpec parameter, String text) {
        String trimmed = text.trim();
        Conversion converted = switch (parameter.type()) {
            case STRING, ENUM -> Conversion.ok(text);
            case INTEGER -> INTEGER.matcher(trimmed).matches() ? integer(trimmed) : notA(parameter, text);
            case NUMBER -> NUMBER.matcher(trimmed).matches() ? number(trimmed) : notA(parameter, text);
            case BOOLEAN -> switch (trimmed.toLowerCase(Locale.ROOT)) {
                case "true" -> Conversion.ok(Boolean.TRUE);
                case "false" -> Conversion.ok(Boolean.FALSE);
                default -> notA(parameter, text);
            };
        };
        return converted.failed() ? converted : check(parameter, converted.value());
    }

    /** Checks a value already of the parameter's Java type against its enum values and min/max. */
    static Conversion check(ParameterSpec parameter, Object value) {
        if (parameter.type() == ParameterType.ENUM && !parameter.values().contains((String) value)) {
            return Conversion.fail(ErrorCode.PARAM_TYPE, "'" + value + "' is not one of the values of enum parameter '"
                    + parameter.name() + "': " + String.join(", ", parameter.values()));
        }
        if (parameter.type().isNumeric()) {
            BigDecimal v = decimal(value);
            if (parameter.min() != null && v.compareTo(parameter.min()) < 0
                    || parameter.max() != null && v.compareTo(parameter.max()) > 0) {
                return Conversion.fail(ErrorCode.PARAM_RANGE, "parameter '" + parameter.name() + "' is " + text(value)
                        + " but must be " + range(parameter));
            }
        }
        return Conversion.ok(value);
    }

    /**
     * The text a bound value is substituted as, and hashed as in idempotency keys: strings as they are, numbers
     * in their canonical JSON (RFC 8785) form, so {@code 3}, {@code 3.0} and {@code 3e0} are the same value.
     */
    static String text(Object value) {
        if (value instanceof Double d) {
            return CanonicalJson.formatNumber(d);
        }
        return String.valueOf(value);
    }

    static BigDecimal decimal(Object numeric) {
        if (numeric instanceof Long l) {
            return BigDecimal.valueOf(l);
        }
        return BigDecimal.valueOf((Double) numeric);
    }

    private static Conversion integer(String text) {
        try {
            return Conversion.ok(Long.parseLong(text.startsWith("+") ? text.substring(1) : text));
        } catch (NumberFormatException e) {
            return Conversion.fail(ErrorCode.PARAM_RANGE, "'" + text + "' does not fit in a 64-bit integer");
        }
    }

    private static Conversion number(String text) {
        double d = Double.parseDouble(text);
        return Double.isFinite(d) ? Conversion.ok(d)
                : Conversion.fail(ErrorCode.PARAM_RANGE, "'" + text + "' is too large for a number");
    }

    private static Conversion notA(ParameterSpec parameter, String text) {
        String expected = switch (parameter.type()) {
            case INTEGER -> "an integer (e.g. 42)";
            case NUMBER -> "a number (e.g. 0.5)";
            default -> "a boolean (true or false)";
        };
        return Conversion.fail(ErrorCode.PARAM_TYPE, "parameter '" + parameter.name() + "' is "
                + parameter.type().yamlName() + " but '" + text + "' is not " + expected);
    }

    private static String range(ParameterSpec parameter) {
        if (parameter.min() == null) {
            return "at most " + parameter.max().toPlainString();
        }
        if (parameter.max() == null) {
            return "at least " + parameter.min().toPlainString();
        }
        return "between " + parameter.min().toPlainString() + " and " + parameter.max().toPlainString();
    }
}
