package io.greenlang.bench.ingest;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaMonitoredItem;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaSubscription;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.enumerated.DataChangeTrigger;
import org.eclipse.milo.opcua.stack.core.types.enumerated.DeadbandType;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.structured.DataChangeFilter;
import org.eclipse.milo.opcua.stack.core.types.structured.EndpointDescription;

import io.greenlang.scada.tagmap.TagMap;
import io.greenlang.scada.tagmap.TagSpec;

/**
 * The raw OPC UA baseline: per plant a plain Milo client (SecurityPolicy None) with one subscription over the tag
 * map's tags, with the same sampling and publishing intervals, queue size and data-change filter as the bridge,
 * that only counts the notifications it receives (and notes their source-to-receive latency). No Kafka, no
 * conversion: the rate the simulator and Milo can deliver on this machine.
 */
public final class OpcUaBaseline {

    /**
     * What the baseline measured.
     *
     * @param notifications           data values received in the measured window
     * @param seconds                 length of the window
     * @param revisedPublishingMs     the server's publishing interval (of the first plant's subscription)
     * @param revisedSamplingMs       the server's sampling interval (of the first item)
     * @param sourceToReceived        source timestamp to the client's callback, ms
     * @param processCpuShare         share of the machine this process used in the window ({@link CpuShare})
     */
    public record Result(long notifications, double seconds, double revisedPublishingMs, double revisedSamplingMs,
                  LatencyHistogram sourceToReceived, double processCpuShare) {
        /** Notifications per second. */
        public double perSecond() {
            return notifications / seconds;
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("notifications_per_sec", Math.round(perSecond()));
            m.put("notifications", notifications);
            m.put("seconds", Math.round(seconds * 10) / 10.0);
            m.put("revised_publishing_interval_ms", revisedPublishingMs);
            m.put("revised_sampling_interval_ms", revisedSamplingMs);
            m.put("source_to_received", sourceToReceived.toMap());
            m.put("process_cpu_share", processCpuShare);
            return m;
        }
    }

    private final Object lock = new Object();
    private final LatencyHistogram latency = new LatencyHistogram();
    private long count;
    private boolean measuring;

    /** Subscribes to every map's tags, runs {@code warmup}, then counts for {@code duration}. */
    Result measure(List<TagMap> maps, Duration warmup, Duration duration) throws UaException, InterruptedException {
        List<OpcUaClient> clients = new ArrayList<>();
        double revisedPublishing = Double.NaN;
        double revisedSampling = Double.NaN;
        try {
            for (TagMap map : maps) {
                OpcUaClient client = OpcUaClient.create(map.endpoint(), OpcUaBaseline::noneEndpoint, transport -> { },
                        config -> config.setRequestTimeout(uint(5_000)));
                clients.add(client);
                client.connect();
                OpcUaSubscription subscription = new OpcUaSubscription(client, map.publishingIntervalMs());
                subscription.setSubscriptionListener(new OpcUaSubscription.SubscriptionListener() {
                    @Override
                    public void onDataReceived(OpcUaSubscription s, List<OpcUaMonitoredItem> items,
                                               List<DataValue> values) {
                        received(values);
                    }
                });
                subscription.create();
                List<OpcUaMonitoredItem> items = new ArrayList<>();
                for (TagSpec tag : map.tags()) {
                    OpcUaMonitoredItem item = OpcUaMonitoredItem.newDataItem(NodeId.parse(tag.nodeId()));
                    item.setSamplingInterval(tag.samplingIntervalMs());
                    item.setQueueSize(uint(map.queueSize()));
                    item.setDiscardOldest(true);
                    item.setFilter(new DataChangeFilter(DataChangeTrigger.StatusValue,
                            uint(DeadbandType.Absolute.getValue()), tag.deadband()));
                    items.add(item);
                }
                subscription.addMonitoredItems(items);
                subscription.synchronizeMonitoredItems();
                if (Double.isNaN(revisedPublishing)) {
                    revisedPublishing = subscription.getRevisedPublishingInterval().orElse(Double.NaN);
                    revisedSampling = items.get(0).getRevisedSamplingInterval().orElse(Double.NaN);
                }
            }
            Thread.sleep(warmup.toMillis());
            long start = System.nanoTime();
            CpuShare cpu = CpuShare.start();
            synchronized (lock) {
                measuring = true;
            }
            Thread.sleep(duration.toMillis());
            long received;
            synchronized (lock) {
                measuring = false;
                received = count;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Result(received, seconds, revisedPublishing, revisedSampling, latency, cpu.share());
        } finally {
            for (OpcUaClient client : clients) {
                client.disconnect();
            }
        }
    }

    private void received(List<DataValue> values) {
        long now = System.currentTimeMillis();
        synchronized (lock) {
            if (!measuring) {
                return;
            }
            count += values.size();
            for (DataValue value : values) {
                DateTime source = value.getSourceTime();
                if (source != null && source.isValid()) {
                    latency.record(now - source.getJavaTime(), 1);
                }
            }
        }
    }

    private static Optional<EndpointDescription> noneEndpoint(List<EndpointDescription> endpoints) {
        return endpoints.stream().filter(e -> SecurityPolicy.None.getUri().equals(e.getSecurityPolicyUri())
                && e.getSecurityMode() == MessageSecurityMode.None).findFirst();
    }
}
