package io.greenlang.scada.pki;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Period;

import org.eclipse.milo.opcua.stack.core.security.CertificateGroup;
import org.eclipse.milo.opcua.stack.core.security.CertificateValidator;
import org.eclipse.milo.opcua.stack.core.security.DefaultApplicationGroup;
import org.eclipse.milo.opcua.stack.core.security.FileBasedTrustListManager;
import org.eclipse.milo.opcua.stack.core.security.MemoryCertificateStore;
import org.eclipse.milo.opcua.stack.core.security.RsaSha256CertificateFactory;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateBuilder;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateGenerator;

/**
 * An OPC UA application's key pair and self-signed certificate (RSA 2048, SHA-256, the application URI in the
 * subject alternative name, as Basic256Sha256 requires), generated at start-up.
 *
 * @param applicationUri the application URI, also in the certificate
 * @param keyPair        the private and public key
 * @param certificate    the self-signed certificate
 */
public record ApplicationIdentity(String applicationUri, KeyPair keyPair, X509Certificate certificate) {

    /** Generates a key pair and a certificate valid for five years for {@code applicationUri} on {@code hostname}. */
    public static ApplicationIdentity generate(String applicationUri, String commonName, String hostname) {
        try {
            KeyPair keyPair = SelfSignedCertificateGenerator.generateRsaKeyPair(2048);
            X509Certificate certificate = new SelfSignedCertificateBuilder(keyPair)
                    .setCommonName(commonName)
                    .setOrganization("GreenLang")
                    .setApplicationUri(applicationUri)
                    .addDnsName(hostname)
                    .setValidityPeriod(Period.ofYears(5))
                    .setSignatureAlgorithm(SelfSignedCertificateBuilder.SA_SHA256_RSA)
                    .build();
            return new ApplicationIdentity(applicationUri, keyPair, certificate);
        } catch (Exception e) {
            throw new IllegalStateException("cannot generate the application certificate of " + applicationUri, e);
        }
    }

    /**
     * A trust list kept in a directory ({@code trusted/certs}, {@code issuers/certs}, {@code rejected}, ...): a
     * peer's certificate is accepted only once a DER copy of it is placed in {@code trusted/certs}.
     */
    public static FileBasedTrustListManager trustList(Path directory) {
        try {
            return FileBasedTrustListManager.createAndInitialize(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the trust list directory " + directory, e);
        }
    }

    /** A certificate group holding this identity, validating peers with {@code validator} against {@code trustList}. */
    public CertificateGroup certificateGroup(FileBasedTrustListManager trustList, CertificateValidator validator) {
        try {
            return DefaultApplicationGroup.createAndInitialize(trustList, new MemoryCertificateStore(),
                    new RsaSha256CertificateFactory() {
                        @Override
                        protected KeyPair createRsaSha256KeyPair() {
                            return keyPair;
                        }

                        @Override
                        protected X509Certificate[] createRsaSha256CertificateChain(KeyPair ignored) {
                            return new X509Certificate[] {certificate};
                        }
                    }, validator);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the certificate group of " + applicationUri, e);
        }
    }
}
