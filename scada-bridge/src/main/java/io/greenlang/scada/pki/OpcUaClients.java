package io.greenlang.scada.pki;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.security.DefaultClientCertificateValidator;
import org.eclipse.milo.opcua.stack.core.security.FileBasedTrustListManager;
import org.eclipse.milo.opcua.stack.core.security.MemoryCertificateQuarantine;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.structured.EndpointDescription;

import io.greenlang.scada.tagmap.TagMap;

/**
 * Builds the scada-bridge's Milo OPC UA clients: the endpoint with exactly the tag map's security policy and mode
 * (never a weaker one), the application identity as client certificate, and server certificates validated against
 * the trust list directory. Used by every OPC UA client of the module so that they all connect the same way.
 */
public final class OpcUaClients {

    /** Product URI of the scada-bridge's clients. */
    public static final String PRODUCT_URI = "urn:greenlang:scada-bridge";

    private OpcUaClients() {
    }

    /**
     * A client for the tag map's endpoint, not yet connected.
     *
     * @param tagMap    endpoint, security policy and mode
     * @param identity  the client's application identity (its certificate must be trusted by the server for
     *                  Basic256Sha256)
     * @param trustList server certificates the client accepts
     * @throws UaException when the server's endpoints cannot be read or none has the map's policy and mode
     */
    public static OpcUaClient create(TagMap tagMap, ApplicationIdentity identity, FileBasedTrustListManager trustList)
            throws UaException {
        SecurityPolicy policy = tagMap.securityPolicy() == TagMap.SecurityPolicy.NONE ? SecurityPolicy.None
                : SecurityPolicy.Basic256Sha256;
        MessageSecurityMode mode = switch (tagMap.securityMode()) {
            case NONE -> MessageSecurityMode.None;
            case SIGN -> MessageSecurityMode.Sign;
            case SIGN_AND_ENCRYPT -> MessageSecurityMode.SignAndEncrypt;
        };
        return OpcUaClient.create(tagMap.endpoint(),
                endpoints -> selectEndpoint(endpoints, policy, mode),
                transport -> { },
                config -> config
                        .setApplicationName(LocalizedText.english("GreenLang scada-bridge"))
                        .setApplicationUri(identity.applicationUri())
                        .setProductUri(PRODUCT_URI)
                        .setKeyPair(identity.keyPair())
                        .setCertificate(identity.certificate())
                        .setCertificateChain(new X509Certificate[] {identity.certificate()})
                        .setCertificateValidator(new DefaultClientCertificateValidator(trustList,
                                new MemoryCertificateQuarantine()))
                        .setRequestTimeout(uint(5_000))
                        .setKeepAliveInterval(uint(1_000)));
    }

    private static Optional<EndpointDescription> selectEndpoint(List<EndpointDescription> endpoints,
                                                                SecurityPolicy policy, MessageSecurityMode mode) {
        return endpoints.stream()
                .filter(e -> policy.getUri().equals(e.getSecurityPolicyUri()) && e.getSecurityMode() == mode)
                .findFirst();
    }
}
