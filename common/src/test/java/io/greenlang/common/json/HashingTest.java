package io.greenlang.common.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class HashingTest {

    @Test
    void shouldHashTheFipsAbcVector() {
        assertThat(Hashing.sha256Hex("abc"))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(Hashing.sha256Hex("abc".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo(Hashing.sha256Hex("abc"));
    }

    @Test
    void shouldHashTheEmptyInput() {
        assertThat(Hashing.sha256Hex(new byte[0]))
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    @Test
    void shouldHashStringsAsUtf8() {
        assertThat(Hashing.sha256Hex("\u20ac")).isEqualTo(Hashing.sha256Hex(new byte[] {(byte) 0xe2, (byte) 0x82, (byte) 0xac}));
    }

    @Test
    void shouldChainLikeTheAuditSink() {
        String first = Hashing.sha256Hex(Hashing.ZERO_HASH + "\n" + CanonicalJson.canonicalize("{\"b\":2,\"a\":1}"));

        assertThat(first).isEqualTo(Hashing.sha256Hex(
                "0000000000000000000000000000000000000000000000000000000000000000\n{\"a\":1,\"b\":2}"));
        assertThat(first).hasSize(64).matches("[0-9a-f]{64}");
    }
}
