package io.greenlang.scada.sim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.eclipse.milo.opcua.sdk.server.EndpointConfig;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.OpcUaServerConfig;
import org.eclipse.milo.opcua.sdk.server.identity.AnonymousIdentityValidator;
import org.eclipse.milo.opcua.stack.core.security.CertificateGroup;
import org.eclipse.milo.opcua.stack.core.security.DefaultCertificateManager;
import org.eclipse.milo.opcua.stack.core.security.DefaultServerCertificateValidator;
import org.eclipse.milo.opcua.stack.core.security.FileBasedTrustListManager;
import org.eclipse.milo.opcua.stack.core.security.MemoryCertificateQuarantine;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.transport.TransportProfile;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.structured.BuildInfo;
import org.eclipse.milo.opcua.stack.transport.server.tcp.OpcTcpServerTransport;
import org.eclipse.milo.opcua.stack.transport.server.tcp.OpcTcpServerTransportConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.greenlang.scada.pki.ApplicationIdentity;
import io.greenlang.scada.tagmap.TagMap;
import io.greenlang.scada.tagmap.TagSpec;

/**
 * A simulated process-heat site: an OPC UA server (Eclipse Milo) serving the tags of N plants x M boilers from a
 * {@link PlantModel}, updated every tick. Endpoints: Basic256Sha256 with Sign and with SignAndEncrypt (the
 * server's self-signed certificate is generated at start; a client is accepted once its certificate is in the
 * trust list directory, see {@link #trust}), and SecurityPolicy None unless disabled.
 *
 * <p>Scenarios: {@link #tripBoiler}, {@link #raisePressure}, and {@link #dropConnection} /
 * {@link #restoreConnection}, which stop and restart the server endpoint on the same port while the model keeps
 * running. Each boiler's load setpoint ({@code B<n>.SETPOINT.LOAD_MW}) is writable over OPC UA: a written value
 * puts the boiler in remote and its heat output ramps to it (see {@link PlantModel}). Thread-safe.
 */
public final class PlantSimulator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PlantSimulator.class);
    private static final String PATH = "/greenlang";
    private static final String APPLICATION_URI = "urn:greenlang:plant-simulator";

    private final PlantModel model;
    private final Builder settings;
    private final ApplicationIdentity identity;
    private final FileBasedTrustListManager trustList;
    private final int port;
    private ScheduledExecutorService ticker;
    private OpcUaServer server;
    private SimNamespace namespace;
    private long lastTickNanos;

    private PlantSimulator(Builder builder) {
        this.settings = builder;
        this.model = new PlantModel(builder.plants, builder.boilers, builder.seed);
        this.port = builder.port != 0 ? builder.port : freePort();
        this.identity = ApplicationIdentity.generate(APPLICATION_URI, "GreenLang plant simulator", builder.hostname);
        try {
            Path pki = builder.pkiDir != null ? builder.pkiDir : Files.createTempDirectory("gl-plant-sim-pki");
            this.trustList = ApplicationIdentity.trustList(pki);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the simulator's trust list directory", e);
        }
    }

    /** A builder with defaults: 3 plants x 4 boilers, seed 1, a free port on localhost, 1 s ticks, None allowed. */
    public static Builder builder() {
        return new Builder();
    }

    /** Starts the server and the ticker. */
    public synchronized PlantSimulator start() {
        startServer();
        lastTickNanos = System.nanoTime();
        if (!settings.tickInterval.isZero()) {
            ticker = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "plant-sim-ticker");
                t.setDaemon(true);
                return t;
            });
            long ms = settings.tickInterval.toMillis();
            ticker.scheduleAtFixedRate(this::tick, ms, ms, TimeUnit.MILLISECONDS);
        }
        LOG.info("plant simulator: {} plants x {} boilers at {}", settings.plants, settings.boilers, endpointUrl());
        return this;
    }

    /** The endpoint URL, {@code opc.tcp://<hostname>:<port>/greenlang}. */
    public String endpointUrl() {
        return "opc.tcp://" + settings.hostname + ":" + port + PATH;
    }

    /** The port the server listens on. */
    public int port() {
        return port;
    }

    /** The server's application certificate; a client that validates servers must trust it. */
    public X509Certificate certificate() {
        return identity.certificate();
    }

    /** Adds a client's application certificate to the trust list (written to the trust list directory). */
    public void trust(X509Certificate clientCertificate) {
        trustList.addTrustedCertificate(clientCertificate);
    }

    /** Plant ids served. */
    public List<String> plantIds() {
        return model.plantIds();
    }

    /** Boiler ids of a plant. */
    public List<String> boilerIds(String plantId) {
        return model.boilerIds(plantId);
    }

    /** Current values of a plant's tags, as the server serves them after the last tick. */
    public synchronized Map<String, Double> values(String plantId) {
        return model.values(plantId);
    }

    /**
     * The tag map of one plant as this simulator serves it, with the given security; sampling at
     * {@code samplingIntervalMs}, publishing every {@code publishingIntervalMs}, deadband 0 (every change). Each
     * boiler's load setpoint carries the setpoint of dispatch asset {@code B<n>} (the planner's asset id) and is
     * writable from 0 to the boiler's capacity at up to {@link PlantModel#RAMP_FRACTION_PER_MINUTE} of its capacity
     * per minute; write-back itself is disabled.
     */
    public TagMap tagMap(String plantId, TagMap.SecurityPolicy policy, TagMap.SecurityMode mode,
                         double samplingIntervalMs, double publishingIntervalMs) {
        List<TagSpec> tags = new ArrayList<>();
        for (String tag : model.values(plantId).keySet()) {
            String boiler = tag.substring(0, tag.indexOf('.'));
            String asset = tag.startsWith("PLANT.") ? plantId : plantId + "/" + boiler;
            TagSpec spec = new TagSpec(SimNamespace.nodeId(plantId, tag), asset, tag, unitOf(tag), samplingIntervalMs,
                    0.0);
            if (tag.endsWith("." + PlantModel.LOAD_SETPOINT_TAG)) {
                double capacity = model.capacityMw(plantId, boiler);
                spec = spec.writableSetpointOf(boiler, new TagSpec.WriteLimits(0, capacity,
                        capacity * PlantModel.RAMP_FRACTION_PER_MINUTE));
            }
            tags.add(spec);
        }
        return new TagMap(plantId, endpointUrl(), policy, mode, publishingIntervalMs, TagMap.DEFAULT_QUEUE_SIZE, tags);
    }

    /** The tag maps of every plant with Basic256Sha256 SignAndEncrypt, 100 ms sampling, 250 ms publishing. */
    public List<TagMap> tagMaps() {
        return model.plantIds().stream().map(p -> tagMap(p, TagMap.SecurityPolicy.BASIC256SHA256,
                TagMap.SecurityMode.SIGN_AND_ENCRYPT, 100, 250)).toList();
    }

    /**
     * Writes the tag map of every plant to {@code <dir>/<plant-id>.yaml} (100 ms sampling, 250 ms publishing) with
     * the given security, for a bridge to load with {@link TagMap#load(Path)}.
     *
     * @return the files written, in plant order
     */
    public List<Path> writeTagMaps(Path dir, TagMap.SecurityPolicy policy, TagMap.SecurityMode mode) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        List<Path> files = new ArrayList<>();
        for (String plantId : model.plantIds()) {
            Path file = dir.resolve(plantId + ".yaml");
            tagMap(plantId, policy, mode, 100, 250).write(file);
            files.add(file);
        }
        return files;
    }

    /** Advances the model by the wall time since the last tick and publishes the new values. */
    public synchronized void tick() {
        long now = System.nanoTime();
        double dt = Math.max(0.001, (now - lastTickNanos) / 1e9);
        lastTickNanos = now;
        model.tick(dt);
        publish();
    }

    /** Scenario: trips a boiler (its heat output drops to zero, the others pick up what they can). */
    public synchronized void tripBoiler(String plantId, String boilerId) {
        LOG.info("plant simulator: tripping {} {}", plantId, boilerId);
        model.tripBoiler(plantId, boilerId);
        model.tick(0);
        publish();
    }

    /** Scenario: clears a boiler trip. */
    public synchronized void resetBoiler(String plantId, String boilerId) {
        model.resetBoiler(plantId, boilerId);
    }

    /** A client wrote a boiler's load setpoint: the boiler follows it from the next tick. */
    private synchronized void setpointWritten(String plantId, String boilerId, double loadMw) {
        LOG.info("plant simulator: load setpoint of {} {} written: {} MW", plantId, boilerId, loadMw);
        model.setLoadSetpoint(plantId, boilerId, loadMw);
    }

    /** Scenario: raises a boiler's drum pressure by {@code bar} (0 restores it); see {@link PlantModel#PRESSURE_LIMIT_BAR}. */
    public synchronized void raisePressure(String plantId, String boilerId, double bar) {
        LOG.info("plant simulator: drum pressure of {} {} +{} bar", plantId, boilerId, bar);
        model.raisePressure(plantId, boilerId, bar);
        publish();
    }

    /** Scenario: stops the server endpoint; clients lose their connection. The model keeps ticking. */
    public synchronized void dropConnection() {
        LOG.info("plant simulator: dropping the connection at {}", endpointUrl());
        stopServer();
    }

    /** Scenario: restarts the server endpoint on the same port after {@link #dropConnection()}. */
    public synchronized void restoreConnection() {
        if (server == null) {
            LOG.info("plant simulator: restoring the connection at {}", endpointUrl());
            startServer();
        }
    }

    /** Stops the ticker and the server. */
    @Override
    public synchronized void close() {
        if (ticker != null) {
            ticker.shutdownNow();
            ticker = null;
        }
        stopServer();
        try {
            trustList.close();
        } catch (IOException e) {
            LOG.warn("plant simulator: closing the trust list failed", e);
        }
    }

    private void publish() {
        if (namespace == null) {
            return;
        }
        DateTime sourceTime = DateTime.now();
        for (String plantId : model.plantIds()) {
            namespace.update(plantId, model.values(plantId), sourceTime);
        }
    }

    private void startServer() {
        CertificateGroup group = identity.certificateGroup(trustList,
                new DefaultServerCertificateValidator(trustList, new MemoryCertificateQuarantine()));
        Set<EndpointConfig> endpoints = new LinkedHashSet<>();
        EndpointConfig.Builder base = EndpointConfig.newBuilder()
                .setTransportProfile(TransportProfile.TCP_UASC_UABINARY)
                .setBindAddress(settings.bindAddress)
                .setBindPort(port)
                .setHostname(settings.hostname)
                .setPath(PATH)
                .setCertificate(identity.certificate())
                .addTokenPolicies(OpcUaServerConfig.USER_TOKEN_POLICY_ANONYMOUS);
        if (settings.allowNone) {
            endpoints.add(base.copy().setSecurityPolicy(SecurityPolicy.None).setSecurityMode(MessageSecurityMode.None)
                    .build());
        }
        endpoints.add(base.copy().setSecurityPolicy(SecurityPolicy.Basic256Sha256)
                .setSecurityMode(MessageSecurityMode.Sign).build());
        endpoints.add(base.copy().setSecurityPolicy(SecurityPolicy.Basic256Sha256)
                .setSecurityMode(MessageSecurityMode.SignAndEncrypt).build());
        OpcUaServerConfig config = OpcUaServerConfig.builder()
                .setApplicationUri(APPLICATION_URI)
                .setApplicationName(LocalizedText.english("GreenLang plant simulator"))
                .setProductUri(APPLICATION_URI)
                .setBuildInfo(new BuildInfo(APPLICATION_URI, "GreenLang", "GreenLang plant simulator",
                        OpcUaServer.SDK_VERSION, "", DateTime.now()))
                .setEndpoints(endpoints)
                .setCertificateManager(new DefaultCertificateManager(new MemoryCertificateQuarantine(), List.of(group)))
                .setIdentityValidator(AnonymousIdentityValidator.INSTANCE)
                .build();
        OpcUaServer newServer = new OpcUaServer(config,
                profile -> new OpcTcpServerTransport(OpcTcpServerTransportConfig.newBuilder().build()));
        // registered before any other namespace, so it gets index 2: the node ids in the tag maps rely on it
        newServer.getNamespaceTable().add(SimNamespace.NAMESPACE_URI);
        Map<String, Map<String, Double>> initial = new LinkedHashMap<>();
        for (String plantId : model.plantIds()) {
            initial.put(plantId, model.values(plantId));
        }
        SimNamespace newNamespace = new SimNamespace(newServer, initial, this::setpointWritten);
        if (newNamespace.getNamespaceIndex().intValue() != 2) {
            throw new IllegalStateException("plant simulator: namespace index " + newNamespace.getNamespaceIndex()
                    + ", the tag maps say 2");
        }
        newNamespace.startup();
        try {
            newServer.startup().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            newNamespace.shutdown();
            newServer.shutdown();
            throw new IllegalStateException("plant simulator: cannot start the OPC UA server at " + endpointUrl(), e);
        }
        server = newServer;
        namespace = newNamespace;
    }

    private void stopServer() {
        if (server == null) {
            return;
        }
        namespace.shutdown();
        try {
            server.shutdown().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("plant simulator: shutting down the OPC UA server failed", e);
        }
        server = null;
        namespace = null;
    }

    private static String unitOf(String tag) {
        String suffix = tag.substring(tag.lastIndexOf('_') + 1);
        return switch (suffix) {
            case "TPH" -> "t/h";
            case "BAR" -> "bar";
            case "C" -> "degC";
            case "KGS" -> "kg/s";
            case "PCT" -> "%";
            case "MW" -> "MW";
            default -> "bool";
        };
    }

    /** Binding port 0 directly would advertise port 0 in the endpoint URLs: a free port is chosen up front. */
    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port for the plant simulator", e);
        }
    }

    /** Settings of a {@link PlantSimulator}. */
    public static final class Builder {
        private int plants = 3;
        private int boilers = 4;
        private long seed = 1;
        private int port;
        private String hostname = "localhost";
        private String bindAddress = "localhost";
        private Path pkiDir;
        private boolean allowNone = true;
        private Duration tickInterval = Duration.ofSeconds(1);

        private Builder() {
        }

        /** Number of plants (default 3). */
        public Builder plants(int n) {
            this.plants = n;
            return this;
        }

        /** Boilers per plant (default 4). */
        public Builder boilers(int n) {
            this.boilers = n;
            return this;
        }

        /** Seed of the model (default 1): the same seed gives the same plants and values. */
        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /** TCP port; 0 (the default) picks a free one. */
        public Builder port(int p) {
            this.port = p;
            return this;
        }

        /** Host name advertised in endpoint URLs and the certificate (default localhost). */
        public Builder hostname(String h) {
            this.hostname = h;
            return this;
        }

        /** Address to bind (default localhost; 0.0.0.0 for every interface). */
        public Builder bindAddress(String a) {
            this.bindAddress = a;
            return this;
        }

        /** Trust list directory; trusted client certificates go to {@code trusted/certs} (default: a temp dir). */
        public Builder pkiDir(Path dir) {
            this.pkiDir = dir;
            return this;
        }

        /** Whether a SecurityPolicy None endpoint is offered (default true). */
        public Builder allowNone(boolean allow) {
            this.allowNone = allow;
            return this;
        }

        /** Tick period (default 1 s); zero disables automatic ticks ({@link PlantSimulator#tick()} by hand). */
        public Builder tickInterval(Duration interval) {
            this.tickInterval = interval;
            return this;
        }

        /** A simulator with these settings; {@link PlantSimulator#start()} starts it. */
        public PlantSimulator build() {
            return new PlantSimulator(this);
        }
    }
}
