package io.greenlang.scada.bridge;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.stack.core.NamespaceTable;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.enumerated.BrowseDirection;
import org.eclipse.milo.opcua.stack.core.types.enumerated.BrowseResultMask;
import org.eclipse.milo.opcua.stack.core.types.enumerated.NodeClass;
import org.eclipse.milo.opcua.stack.core.types.structured.BrowseDescription;
import org.eclipse.milo.opcua.stack.core.types.structured.BrowseResult;
import org.eclipse.milo.opcua.stack.core.types.structured.ReferenceDescription;

/**
 * Lists the address space of an OPC UA server below the Objects folder (the server's own diagnostics object
 * excluded), for {@code gl scada browse ENDPOINT} and for writing tag maps by hand. Connects anonymously with
 * SecurityPolicy None, so it works only against servers that offer it.
 */
public final class AddressSpaceBrowser {

    /** Deepest level walked below Objects. */
    private static final int MAX_DEPTH = 8;

    /**
     * One node found.
     *
     * @param path      browse names from the Objects folder, joined with {@code /}
     * @param nodeId    the node id in text form, as a tag map's {@code node_id}
     * @param nodeClass {@code Object} or {@code Variable}
     */
    public record BrowsedNode(String path, String nodeId, String nodeClass) {
    }

    private AddressSpaceBrowser() {
    }

    /** Every object and variable below Objects, depth first, in the server's order. */
    public static List<BrowsedNode> browse(String endpointUrl) throws UaException {
        OpcUaClient client = OpcUaClient.create(endpointUrl,
                endpoints -> endpoints.stream()
                        .filter(e -> SecurityPolicy.None.getUri().equals(e.getSecurityPolicyUri())).findFirst(),
                transport -> { },
                config -> { });
        client.connect();
        try {
            List<BrowsedNode> out = new ArrayList<>();
            walk(client, client.getNamespaceTable(), NodeIds.ObjectsFolder, "", 0, out);
            return out;
        } finally {
            client.disconnect();
        }
    }

    private static void walk(OpcUaClient client, NamespaceTable namespaces, NodeId parent, String path, int depth,
                             List<BrowsedNode> out) throws UaException {
        if (depth >= MAX_DEPTH) {
            return;
        }
        BrowseResult result = client.browse(new BrowseDescription(parent, BrowseDirection.Forward,
                NodeIds.HierarchicalReferences, true,
                uint(NodeClass.Object.getValue() | NodeClass.Variable.getValue()),
                uint(BrowseResultMask.All.getValue())));
        ReferenceDescription[] references = result.getReferences();
        if (references == null) {
            return;
        }
        for (ReferenceDescription ref : references) {
            Optional<NodeId> child = ref.getNodeId().toNodeId(namespaces);
            if (child.isEmpty() || child.get().equals(NodeIds.Server)) {
                continue;
            }
            String childPath = path.isEmpty() ? ref.getBrowseName().name() : path + "/" + ref.getBrowseName().name();
            out.add(new BrowsedNode(childPath, child.get().toParseableString(), ref.getNodeClass().name()));
            walk(client, namespaces, child.get(), childPath, depth + 1, out);
        }
    }
}
