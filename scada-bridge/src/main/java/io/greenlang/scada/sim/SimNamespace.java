package io.greenlang.scada.sim;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.milo.opcua.sdk.core.AccessLevel;
import org.eclipse.milo.opcua.sdk.core.Reference;
import org.eclipse.milo.opcua.sdk.server.ManagedNamespaceWithLifecycle;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.items.DataItem;
import org.eclipse.milo.opcua.sdk.server.items.MonitoredItem;
import org.eclipse.milo.opcua.sdk.server.nodes.UaFolderNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaVariableNode;
import org.eclipse.milo.opcua.sdk.server.util.SubscriptionModel;
import org.eclipse.milo.opcua.stack.core.AttributeId;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UByte;
import org.eclipse.milo.opcua.stack.core.types.structured.WriteValue;

/**
 * The simulator's address space: one folder per plant under Objects, one Double variable per tag
 * ({@code ns=2;s=<plant>/<tag>}), read-only except the boilers' load setpoints
 * ({@code B<n>.}{@value PlantModel#LOAD_SETPOINT_TAG}), which clients may write; each accepted write is handed to
 * the {@link SetpointListener}. Sampling is delegated to a {@link SubscriptionModel}: without it Milo samples
 * nothing.
 */
final class SimNamespace extends ManagedNamespaceWithLifecycle {

    static final String NAMESPACE_URI = "urn:greenlang:plant-simulator:plants";

    /** Told of every value a client wrote to a load setpoint and the server accepted. */
    @FunctionalInterface
    interface SetpointListener {
        void written(String plantId, String boilerId, double loadMw);
    }

    private final SubscriptionModel subscriptionModel;
    private final Map<String, Map<String, Double>> initial;
    private final SetpointListener listener;
    private final Map<String, UaVariableNode> nodes = new HashMap<>();

    SimNamespace(OpcUaServer server, Map<String, Map<String, Double>> initial, SetpointListener listener) {
        super(server, NAMESPACE_URI);
        this.initial = initial;
        this.listener = listener;
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
                UByte access = AccessLevel.toValue(isSetpoint(tag) ? AccessLevel.READ_WRITE : AccessLevel.READ_ONLY);
                UaVariableNode node = new UaVariableNode.UaVariableNodeBuilder(getNodeContext())
                        .setNodeId(newNodeId(plantId + "/" + tag))
                        .setBrowseName(newQualifiedName(tag))
                        .setDisplayName(LocalizedText.english(tag))
                        .setDataType(NodeIds.Double)
                        .setTypeDefinition(NodeIds.BaseDataVariableType)
                        .setAccessLevel(access)
                        .setUserAccessLevel(access)
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

    /**
     * Milo checks and applies the writes (access level, data type); each accepted write to a load setpoint is then
     * passed on to the model.
     */
    @Override
    public List<StatusCode> write(WriteContext context, List<WriteValue> writeValues) {
        List<StatusCode> results = super.write(context, writeValues);
        for (int i = 0; i < writeValues.size(); i++) {
            WriteValue w = writeValues.get(i);
            if (!results.get(i).isGood() || !AttributeId.Value.isEqual(w.getAttributeId())
                    || !(w.getNodeId().getIdentifier() instanceof String id)) {
                continue;
            }
            int slash = id.indexOf('/');
            String tag = slash < 0 ? "" : id.substring(slash + 1);
            if (isSetpoint(tag) && w.getValue().getValue().getValue() instanceof Double value) {
                listener.written(id.substring(0, slash), tag.substring(0, tag.indexOf('.')), value);
            }
        }
        return results;
    }

    private static boolean isSetpoint(String tag) {
        return tag.endsWith("." + PlantModel.LOAD_SETPOINT_TAG);
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
