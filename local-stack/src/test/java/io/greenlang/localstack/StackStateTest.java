package io.greenlang.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StackStateTest {

    @TempDir
    Path dir;

    @Test
    void shouldRememberPortsAndGeneratedSecretAcrossLoads() {
        StackState first = StackState.load(dir);
        first.port(StackState.KAFKA_PORT, 19092);
        String secret = first.s3SecretKey();
        first.save();

        StackState second = StackState.load(dir);

        assertThat(second.port(StackState.KAFKA_PORT)).isEqualTo(19092);
        assertThat(second.port(StackState.POSTGRES_PORT)).isZero();
        assertThat(second.s3SecretKey()).isEqualTo(secret).hasSizeGreaterThanOrEqualTo(40);
    }

    @Test
    void shouldKeepTheFileReadableByItsOwnerOnly() throws IOException {
        StackState state = StackState.load(dir);
        state.s3SecretKey();
        state.save();

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(StackState.FILE_NAME))))
                .isEqualTo("rw-------");
    }

    @Test
    void shouldNameTheKeyWhenARememberedPortIsNotANumber() throws IOException {
        Files.writeString(dir.resolve(StackState.FILE_NAME), "kafka.port=abc\n");

        assertThatThrownBy(() -> StackState.load(dir).port(StackState.KAFKA_PORT))
                .isInstanceOf(LocalStackException.class)
                .hasMessageContaining("kafka.port");
    }

    @Test
    void shouldReuseARememberedPortOnlyWhileItIsFree() throws IOException {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int busy = taken.getLocalPort();

            assertThat(Ports.choose(0, busy, new HashSet<>())).isNotEqualTo(busy).isPositive();
            assertThat(Ports.choose(4242, busy, new HashSet<>())).as("an explicit port always wins").isEqualTo(4242);
        }
        int free = Ports.freePort();
        assertThat(Ports.choose(0, free, new HashSet<>())).isEqualTo(free);
    }

    @Test
    void shouldNeverGiveTwoServersTheSamePort() {
        Set<Integer> taken = new HashSet<>();
        int first = Ports.choose(0, 0, taken);

        assertThat(Ports.choose(0, first, taken)).as("remembered but taken by another server").isNotEqualTo(first);
        assertThatThrownBy(() -> Ports.choose(first, 0, taken))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("two servers");
    }
}
