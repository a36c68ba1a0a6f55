package io.github.skrl4j.adam.distributed.wire;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * The JDK's {@link SSLEngine}s from an {@link SSLContext}: the portable source of
 * {@link TlsEngines#jdk(SSLContext)}. Its AES-GCM re-creates its cipher state for every TLS record
 * (16 KiB at most), about 1.2 KB of garbage per record each way on JDK 17: no use of the JDK's provider
 * avoids that, which is why a native source exists.
 *
 * @param context the key and trust material
 */
record JdkTlsEngines(SSLContext context) implements TlsEngines {

    /** AES-128-GCM first: AES-GCM is where a JDK TLS link spends its time, and 128-bit keys take 10 rounds, not 14. */
    private static final List<String> CIPHER_SUITES = List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256");

    JdkTlsEngines {
        Objects.requireNonNull(context, "context");
    }

    @Override
    public SSLEngine newClientEngine(InetSocketAddress peer) {
        return preferFastSuites(context.createSSLEngine(peer.getHostString(), peer.getPort()));
    }

    @Override
    public SSLEngine newServerEngine() {
        return preferFastSuites(context.createSSLEngine());
    }

    @Override
    public boolean directBuffers() {
        return false; // the JDK's AES-GCM copies a direct buffer's bytes through arrays (three times the garbage)
    }

    @Override
    public String description() {
        return "the JDK's SSLEngine (" + context.getProvider().getName() + ")";
    }

    private static SSLEngine preferFastSuites(SSLEngine engine) {
        List<String> supported = Arrays.asList(engine.getSupportedCipherSuites());
        String[] suites = CIPHER_SUITES.stream().filter(supported::contains).toArray(String[]::new);
        if (suites.length > 0) {
            engine.setEnabledCipherSuites(suites);
            SSLParameters parameters = engine.getSSLParameters();
            parameters.setUseCipherSuitesOrder(true); // the server's order (ours) wins
            engine.setSSLParameters(parameters);
        }
        return engine;
    }
}
