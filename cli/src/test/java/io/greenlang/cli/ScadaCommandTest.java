package io.greenlang.cli;

import static io.greenlang.cli.GlRun.gl;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.greenlang.scada.sim.PlantSimulator;

/** {@code gl scada browse} against a real OPC UA server (the plant simulator, one plant of two boilers). */
class ScadaCommandTest {

    private static PlantSimulator simulator;

    @BeforeAll
    static void startSimulator() {
        simulator = PlantSimulator.builder().plants(1).boilers(2).seed(3).build().start();
    }

    @AfterAll
    static void stopSimulator() {
        simulator.close();
    }

    @Test
    void shouldListEveryTagOfThePlantWithTheNodeIdATagMapNeeds() {
        GlRun run = gl("scada", "browse", simulator.endpointUrl(), "--variables-only");

        assertThat(run.exitCode()).as(run.err()).isZero();
        for (String tag : simulator.values("plant-1").keySet()) {
            assertThat(run.out()).containsPattern("Variable +ns=2;s=plant-1/" + Pattern.quote(tag)
                    + " +\\S*" + Pattern.quote(tag.substring(tag.lastIndexOf('.') + 1)));
        }
        long variables = run.out().lines().filter(line -> line.startsWith("Variable ")).count();
        assertThat(variables).isGreaterThanOrEqualTo(simulator.values("plant-1").size());
        assertThat(run.out()).doesNotContain("Object ").contains(variables + " node(s)");
    }

    @Test
    void shouldRefuseAnEndpointThatIsNotAnOpcTcpUrlWithAParamTypeError() {
        GlRun run = gl("scada", "browse", "http://localhost:4840");

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).contains("GL-E-PARAM-TYPE").contains("opc.tcp://").contains("fix:");
    }

    @Test
    void shouldReportAServerThatDoesNotAnswerAsRefusedWithWhatToDoNext() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort(); // free once closed: nothing listens there
        }

        GlRun run = gl("scada", "browse", "opc.tcp://127.0.0.1:" + port + "/greenlang");

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).contains("GL-E-NETWORK-REFUSED").contains("127.0.0.1:" + port)
                .contains("fix: Check service health");
    }
}
