package io.greenlang.common.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CanonicalJsonTest {

    /** RFC 8785 §3.2.2.3 / Appendix B: IEEE-754 bits and the expected ECMAScript form. */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "0000000000000000, 0",
            "8000000000000000, 0",
            "0000000000000001, 5e-324",
            "8000000000000001, -5e-324",
            "7fefffffffffffff, 1.7976931348623157e+308",
            "ffefffffffffffff, -1.7976931348623157e+308",
            "4340000000000000, 9007199254740992",
            "c340000000000000, -9007199254740992",
            "4430000000000000, 295147905179352830000",
            "44b52d02c7e14af5, 9.999999999999997e+22",
            "44b52d02c7e14af6, 1e+23",
            "44b52d02c7e14af7, 1.0000000000000001e+23",
            "444b1ae4d6e2ef4e, 999999999999999700000",
            "444b1ae4d6e2ef4f, 999999999999999900000",
            "444b1ae4d6e2ef50, 1e+21",
            "3eb0c6f7a0b5ed8c, 9.999999999999997e-7",
            "3eb0c6f7a0b5ed8d, 0.000001",
            "41b3de4355555553, 333333333.3333332",
            "41b3de4355555554, 333333333.33333325",
            "41b3de4355555555, 333333333.3333333",
            "41b3de4355555556, 333333333.3333334",
            "41b3de4355555557, 333333333.33333343",
            "becbf647612f3696, -0.0000033333333333333333",
            "43143ff3c1cb0959, 1424953923781206.2", // the RFC's round-to-even case
            "43b3ce9a36f23c10, 1427247692705960000", // the literal 1427247692705959900, as Node.js prints it
    })
    void shouldFormatTheRfc8785NumberExamples(String bits, String expected) {
        double value = Double.longBitsToDouble(Long.parseUnsignedLong(bits, 16));

        assertThat(CanonicalJson.formatNumber(value)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            // Java 17's Double.toString gives a digit too many for these (JDK-4511638)
            "4.4686722812153832E16, 44686722812153830",
            "2.58231698613345824E17, 258231698613345820",
            "5.8709422628298816E17, 587094226282988200",
            "2.0E-3, 0.002",
            "1.0E-7, 1e-7",
            "1.0E21, 1e+21",
            "1.0E20, 100000000000000000000",
            "4.5, 4.5",
            "-1.5, -1.5",
            "123456789012345680000, 123456789012345680000",
    })
    void shouldFormatLikeEcmaScriptWhereJavaDiffers(double value, String expected) {
        assertThat(CanonicalJson.formatNumber(value)).isEqualTo(expected);
    }

    @Test
    void shouldMatchEcmaScriptOnTenThousandSampledDoubles() throws IOException {
        String samples;
        try (InputStream in = getClass().getResourceAsStream("/jcs/es-number-samples.txt")) {
            samples = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<String> lines = samples.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).toList();
        assertThat(lines).hasSize(10_000);
        for (String line : lines) {
            String[] parts = line.split(",", 2);
            double value = Double.longBitsToDouble(Long.parseUnsignedLong(parts[0], 16));
            assertThat(CanonicalJson.formatNumber(value)).as(parts[0]).isEqualTo(parts[1]);
        }
    }

    @Test
    void shouldRejectNaNAndInfinityWithAClearError() {
        assertThatThrownBy(() -> CanonicalJson.formatNumber(Double.NaN))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
        assertThatThrownBy(() -> CanonicalJson.formatNumber(Double.POSITIVE_INFINITY))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Infinity");
        ObjectNode node = JsonNodeFactory.instance.objectNode().put("x", Double.NEGATIVE_INFINITY);
        assertThatThrownBy(() -> CanonicalJson.canonicalize(node))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("$.x");
        assertThatThrownBy(() -> CanonicalJson.canonicalize("[1e400]"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("infinite");
        assertThatThrownBy(() -> CanonicalJson.canonicalize("[NaN]")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldCanonicalizeTheRfc8785Section323Example() {
        String input = "{\n"
                + "  \"numbers\": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],\n"
                + "  \"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\",\n"
                + "  \"literals\": [null, true, false]\n"
                + "}";

        String canonical = CanonicalJson.canonicalize(input);

        assertThat(canonical).isEqualTo("{\"literals\":[null,true,false],"
                + "\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
                + "\"string\":\"\u20ac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
    }

    @Test
    void shouldProduceTheRfc8785ExampleBytes() {
        String input = "{\"numbers\":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],"
                + "\"string\":\"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\","
                + "\"literals\":[null,true,false]}";

        byte[] bytes = CanonicalJson.canonicalBytes(input);

        // RFC 8785 §3.2.4: the UTF-8 of the canonical text, as printed there.
        String rfc = "7b 22 6c 69 74 65 72 61 6c 73 22 3a 5b 6e 75 6c 6c 2c 74 72"
                + " 75 65 2c 66 61 6c 73 65 5d 2c 22 6e 75 6d 62 65 72 73 22 3a"
                + " 5b 33 33 33 33 33 33 33 33 33 2e 33 33 33 33 33 33 33 2c 31"
                + " 65 2b 33 30 2c 34 2e 35 2c 30 2e 30 30 32 2c 31 65 2d 32 37"
                + " 5d 2c 22 73 74 72 69 6e 67 22 3a 22 e2 82 ac 24 5c 75 30 30"
                + " 30 66 5c 6e 41 27 42 5c 22 5c 5c 5c 5c 5c 22 2f 22 7d";
        assertThat(bytes).isEqualTo(HexFormat.of().parseHex(rfc.replace(" ", "")));
    }

    @Test
    void shouldSortKeysByUtf16CodeUnitsAsInRfc8785Section323() {
        String input = "{\"\\u20ac\":\"Euro Sign\",\"\\r\":\"Carriage Return\",\"\\ufb33\":\"Hebrew Letter Dalet With Dagesh\","
                + "\"1\":\"One\",\"\\ud83d\\ude00\":\"Emoji: Grinning Face\",\"\\u0080\":\"Control\","
                + "\"\\u00f6\":\"Latin Small Letter O With Diaeresis\"}";

        String canonical = CanonicalJson.canonicalize(input);

        assertThat(canonical).isEqualTo("{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\","
                + "\"\u00f6\":\"Latin Small Letter O With Diaeresis\",\"\u20ac\":\"Euro Sign\","
                + "\"\ud83d\ude00\":\"Emoji: Grinning Face\",\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}");
    }

    @Test
    void shouldEscapeOnlyTheMandatoryCharacters() {
        String value = "\u0000\u0001\u001f\b\f\n\r\t\"\\/\u007f\u2028\u00e9";

        String canonical = CanonicalJson.canonicalize((Object) value);

        assertThat(canonical).isEqualTo("\"\\u0000\\u0001\\u001f\\b\\f\\n\\r\\t\\\"\\\\/\u007f\u2028\u00e9\"");
    }

    @Test
    void shouldSortNestedObjectsAndKeepArrayOrder() {
        assertThat(CanonicalJson.canonicalize("{ \"b\": [3, {\"z\": 1, \"a\": -0.0}], \"a\": {} }"))
                .isEqualTo("{\"a\":{},\"b\":[3,{\"a\":0,\"z\":1}]}");
    }

    @Test
    void shouldCanonicalizeJavaValuesLikeTheirJsonText() {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("run_id", "r-1");
        event.put("attempt", 2);
        event.put("cost", new BigDecimal("4.50"));
        event.put("ok", true);
        event.put("tags", List.of("b", "a"));

        assertThat(CanonicalJson.canonicalize((Object) event))
                .isEqualTo("{\"attempt\":2,\"cost\":4.5,\"ok\":true,\"run_id\":\"r-1\",\"tags\":[\"b\",\"a\"]}");
    }

    @Test
    void shouldKeepIntegersThatADoubleRepresentsAndRejectThoseItWouldChange() {
        assertThat(CanonicalJson.canonicalize("[9007199254740992, -9007199254740992, 295147905179352830000]"))
                .isEqualTo("[9007199254740992,-9007199254740992,295147905179352830000]");
        // The exact value of 2^68 is accepted too and written in its canonical spelling.
        assertThat(CanonicalJson.canonicalize("[295147905179352825856]")).isEqualTo("[295147905179352830000]");
        assertThatThrownBy(() -> CanonicalJson.canonicalize("{\"id\": 9007199254740993}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("9007199254740993")
                .hasMessageContaining("$.id")
                .hasMessageContaining("string");
        assertThatThrownBy(() -> CanonicalJson.canonicalize("[12345678901234567890123]"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CanonicalJson.canonicalize((Object) Map.of("id", Long.MAX_VALUE)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(CanonicalJson.canonicalize((Object) List.of(BigInteger.TEN.pow(30)))).isEqualTo("[1e+30]");
    }

    @Test
    void shouldRoundFractionalLiteralsToTheNearestDouble() {
        assertThat(CanonicalJson.canonicalize("[0.1, 1.0, 1e2, 12345678901234567890.5]"))
                .isEqualTo("[0.1,1,100,12345678901234567000]");
    }

    @Test
    void shouldRejectDuplicateKeysTrailingTextAndLoneSurrogates() {
        assertThatThrownBy(() -> CanonicalJson.canonicalize("{\"a\":1,\"a\":2}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Duplicate");
        assertThatThrownBy(() -> CanonicalJson.canonicalize("{} {}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CanonicalJson.canonicalize("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CanonicalJson.canonicalize("[\"\\ud800\"]"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("surrogate");
        assertThatThrownBy(() -> CanonicalJson.canonicalize("{\"\\udc00x\":1}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("surrogate");
    }

    @Test
    void shouldBeIdempotent() {
        String once = CanonicalJson.canonicalize("{\"n\":[1E30,4.50,-0,5e-324,1.7976931348623157e308],\"s\":\"\\u20ac\"}");

        assertThat(CanonicalJson.canonicalize(once)).isEqualTo(once);
        assertThat(CanonicalJson.equivalent("{\"a\":1.0,\"b\":[]}", "{ \"b\" : [ ], \"a\" : 1 }")).isTrue();
    }
}
