package io.greenlang.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

import org.eclipse.milo.opcua.stack.core.UaException;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import io.greenlang.common.error.ErrorCode;
import io.greenlang.common.error.GreenLangException;
import io.greenlang.scada.bridge.AddressSpaceBrowser;
import io.greenlang.scada.bridge.AddressSpaceBrowser.BrowsedNode;

/** {@code gl scada}: tools for the OPC UA side of the SCADA bridge. */
@Command(name = "scada", mixinStandardHelpOptions = true,
        description = "Tools for the plants' OPC UA servers the SCADA bridge reads.",
        subcommands = ScadaCommand.Browse.class)
final class ScadaCommand implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code gl scada browse ENDPOINT}. */
    @Command(name = "browse", mixinStandardHelpOptions = true,
            description = "List the address space of an OPC UA server below its Objects folder (objects and "
                    + "variables with their node ids, as a tag map's node_id), connecting anonymously with "
                    + "SecurityPolicy None.")
    static final class Browse implements Callable<Integer> {
        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "ENDPOINT", description = "e.g. opc.tcp://localhost:4840/greenlang")
        private String endpoint;

        @Option(names = "--variables-only", description = "Only variables (the nodes a tag map can subscribe to).")
        private boolean variablesOnly;

        @Override
        public Integer call() {
            if (!endpoint.startsWith("opc.tcp://")) {
                throw new GreenLangException(ErrorCode.PARAM_TYPE, "ENDPOINT must be an opc.tcp:// URL, was '"
                        + endpoint + "'");
            }
            List<BrowsedNode> nodes;
            try {
                nodes = AddressSpaceBrowser.browse(endpoint);
            } catch (UaException | RuntimeException e) {
                throw new GreenLangException(ErrorCode.NETWORK_REFUSED, "cannot browse " + endpoint + ": "
                        + e.getMessage() + " (the server must be reachable and offer SecurityPolicy None)", e);
            }
            PrintWriter out = spec.commandLine().getOut();
            out.printf("%-9s %-44s %s%n", "CLASS", "NODE ID", "PATH");
            int shown = 0;
            for (BrowsedNode node : nodes) {
                if (variablesOnly && !"Variable".equals(node.nodeClass())) {
                    continue;
                }
                out.printf("%-9s %-44s %s%n", node.nodeClass(), node.nodeId(), node.path());
                shown++;
            }
            out.println(shown + " node(s)");
            out.flush();
            return 0;
        }
    }
}
