package io.greenlang.scada.sim;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.milo.opcua.sdk.core.Reference;
import org.eclipse.milo.opcua.sdk.server.ManagedNamespaceWithLifecycle;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.items.DataItem;
import org.eclipse.milo.opcua.sdk.server.items.MonitoredItem;
import org.eclipse.milo.opcua.sdk.server.nodes.UaFolderNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaVariableNode;
import org.eclipse.milo.opcua.sdk.server.util.SubscriptionModel;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned;

/**
 * The simulator's address space: one folder per plant under Objects, one read-only Double variable per tag
 * ({@code ns=2;s=<plant>/<tag>}). Sampling is delegated to a {@link SubscriptionModel}: without it Milo samples
 * nothing.
 */
final class SimNamespace extends ManagedNamespaceWithLifecycle {

    static final String NAMESPACE_URI = "urn:greenlang:plant-simulator:plants";

    private final SubscriptionModel subscriptionModel;
    private final Map<String, Map<String, Double>> initial;
    private final Map<String, UaVariableNode> nodes = new HashMap<>();

    SimNamespace(OpcUaServer server, Map<String, Map<String, Double>> initial) {
        super(server, NAMESPACE_URI);
        this.initial = initial;
        this.subscriptionModel = new SubscriptionModel(server, this);
        getLifecycleManager().addLifecycle(subscriptionModel);
        getLifecycleManager().addStartupTask(this::createNodes);
    }

    /** Node id text of a plant's tag, as the tag map carries it; the namespace is registered first, so index 2. */
    static String nodeId(String plantId, String tag) {
        return "ns=2;s=" + plantId + "/" + tag;
    }

    private void createNodes() {
        initial.forEach((plantId, values) -> {
            UaFolderNode folder = new UaFolderNode(getNodeContext(), newNodeId(plantId), newQualifiedName(plantId),
                    LocalizedText.english(plantId));
            getNodeManager().addNode(folder);
            folder.addReference(new Reference(folder.getNodeId(), NodeIds.Organizes,
                    NodeIds.ObjectsFolder.expanded(), false));
            values.forEach((tag, value) -> {
                UaVariableNode node = new UaVariableNode.UaVariableNodeBuilder(getNodeContext())
                        .setNodeId(newNodeId(plantId + "/" + tag))
                        .setBrowseName(newQualifiedName(tag))
                        .setDisplayName(LocalizedText.english(tag))
                        .setDataType(NodeIds.Double)
                        .setTypeDefinition(NodeIds.BaseDataVariableType)
                        .setAccessLevel(Unsigned.ubyte(1))
                        .setUserAccessLevel(Unsigned.ubyte(1))
                        .setValue(new DataValue(new Variant(value)))
                        .build();
                getNodeManager().addNode(node);
                folder.addOrganizes(node);
                nodes.put(plantId + "/" + tag, node);
            });
        });
    }

    /** Publishes new values of a plant's tags with the given source time. */
    void update(String plantId, Map<String, Double> values, DateTime sourceTime) {
        DateTime serverTime = DateTime.now();
        values.forEach((tag, value) -> {
            UaVariableNode node = nodes.get(plantId + "/" + tag);
            if (node != null) {
                node.setValue(new DataValue(new Variant(value), StatusCode.GOOD, sourceTime, serverTime));
            }
        });
    }

    @Override
    public void onDataItemsCreated(List<DataItem> dataItems) {
        subscriptionModel.onDataItemsCreated(dataItems);
    }

    @Override
    public void onDataItemsModified(List<DataItem> dataItems) {
        subscriptionModel.onDataItemsModified(dataItems);
    }

    @Override
    public void onDataItemsDeleted(List<DataItem> dataItems) {
        subscriptionModel.onDataItemsDeleted(dataItems);
    }

    @Override
    public void onMonitoringModeChanged(List<MonitoredItem> monitoredItems) {
        subscriptionModel.onMonitoringModeChanged(monitoredItems);
    }
}
