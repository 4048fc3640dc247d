package io.greenlang.localstack;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An S3 API server (s3proxy) in this JVM, storing buckets as directories and objects as files under one
 * directory, accepting AWS signature v2 and v4 with one access key.
 */
final class S3Node implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(S3Node.class);

    private static final String HOST = "127.0.0.1";

    private final S3Proxy proxy;
    private final BlobStore blobStore;
    private final URI endpoint;

    private S3Node(S3Proxy proxy, BlobStore blobStore, URI endpoint) {
        this.proxy = proxy;
        this.blobStore = blobStore;
        this.endpoint = endpoint;
    }

    static S3Node start(Path baseDirectory, int port, String accessKey, String secretKey, String bucket,
            Duration timeout) throws Exception {
        Files.createDirectories(baseDirectory);
        Properties properties = new Properties();
        properties.setProperty("jclouds.filesystem.basedir", baseDirectory.toString());
        BlobStore blobStore = BlobStores.create("filesystem", properties);
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(blobStore)
                .endpoint(URI.create("http://" + HOST + ":" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                // No graceful drain on stop: Jetty's would wait for clients' idle keep-alive connections (2 s and
                // more), and fail the stop when cut short. Requests still in flight at close() are cut.
                .stopTimeout(0)
                .build();
        S3Node node = null;
        try {
            proxy.start();
            Polling.awaitCondition("s3proxy to start", timeout, () -> "STARTED".equals(proxy.getState()));
            node = new S3Node(proxy, blobStore, URI.create("http://" + HOST + ":" + proxy.getPort()));
            if (!blobStore.containerExists(bucket)) {
                blobStore.createContainer(bucket);
                LOG.info("Created bucket {}", bucket);
            }
            return node;
        } catch (Exception | Error e) {
            try {
                if (node != null) {
                    node.close();
                } else {
                    proxy.stop();
                    blobStore.close();
                }
            } catch (Exception closeFailure) {
                e.addSuppressed(closeFailure);
            }
            throw e;
        }
    }

    URI endpoint() {
        return endpoint;
    }

    int port() {
        return endpoint.getPort();
    }

    /** Stops the HTTP server, then releases the blob store. */
    @Override
    public void close() {
        try {
            proxy.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalStackException("Interrupted while stopping the S3 server", e);
        } catch (Exception e) {
            throw new LocalStackException("S3 server did not stop", e);
        } finally {
            blobStore.close();
        }
    }
}
