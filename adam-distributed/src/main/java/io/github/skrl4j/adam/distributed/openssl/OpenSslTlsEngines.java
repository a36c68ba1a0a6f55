package io.github.skrl4j.adam.distributed.openssl;

import io.github.skrl4j.adam.distributed.wire.TlsEngines;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.net.InetSocketAddress;
import java.util.Objects;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;

/**
 * The data plane's TLS on BoringSSL through netty-tcnative: {@link SSLEngine}s from Netty's OpenSSL
 * provider ({@code SslContextBuilder...sslProvider(SslProvider.OPENSSL)}), which encrypt with native
 * AES-GCM straight from and into the link's direct buffers, allocating nothing per TLS record.
 *
 * <p>Needs {@code io.netty:netty-handler} and {@code io.netty:netty-tcnative-boringssl-static} with the
 * platform's classifier (e.g. {@code linux-x86_64}) on the class path; {@link #isAvailable()} says
 * whether they are usable here. Use it as {@code WireOptions.builder().tlsEngines(OpenSslTlsEngines.of(keys,
 * trust))} or {@code HazelcastCollectiveOptions.withTlsEngines(...)}.
 */
public final class OpenSslTlsEngines implements TlsEngines {

    /** What to add when the native engines are not usable (named in errors and in the starter's warning). */
    public static final String NATIVE_DEPENDENCY = "io.netty:netty-tcnative-boringssl-static (with the classifier "
            + "of the platform, e.g. linux-x86_64)";

    private final SslContext client;
    private final SslContext server;

    private OpenSslTlsEngines(SslContext client, SslContext server) {
        this.client = client;
        this.server = server;
    }

    /**
     * Native engines identifying this rank with {@code keys} and trusting the peers {@code trust} trusts,
     * as an {@code SSLContext} initialised with both would (no host name check: a peer is whoever holds a
     * trusted certificate).
     *
     * @throws IllegalStateException if netty-tcnative is not usable here, naming what to add
     * @throws IllegalArgumentException if BoringSSL refuses the key or trust material
     */
    public static OpenSslTlsEngines of(KeyManagerFactory keys, TrustManagerFactory trust) {
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(trust, "trust");
        if (!isAvailable()) {
            throw new IllegalStateException("The native TLS engines need netty-tcnative, which is not usable here ("
                    + unavailabilityCause() + "): add " + NATIVE_DEPENDENCY + ", or use TlsEngines.jdk(sslContext)");
        }
        try {
            SslContext server = SslContextBuilder.forServer(keys).trustManager(trust).clientAuth(ClientAuth.REQUIRE)
                    .protocols("TLSv1.3").sslProvider(SslProvider.OPENSSL).build();
            SslContext client = SslContextBuilder.forClient().keyManager(keys).trustManager(trust)
                    .protocols("TLSv1.3").endpointIdentificationAlgorithm(null).sslProvider(SslProvider.OPENSSL)
                    .build();
            return new OpenSslTlsEngines(client, server);
        } catch (SSLException e) {
            throw new IllegalArgumentException("BoringSSL refused the key or trust material: " + e.getMessage(), e);
        }
    }

    /** Whether netty-tcnative's BoringSSL is loaded and usable on this platform. */
    public static boolean isAvailable() {
        return OpenSsl.isAvailable();
    }

    /** Why netty-tcnative is not usable, or {@code null} if it is. */
    public static @Nullable String unavailabilityCause() {
        Throwable cause = OpenSsl.unavailabilityCause();
        return cause == null ? null : String.valueOf(cause);
    }

    @Override
    public SSLEngine newClientEngine(InetSocketAddress peer) {
        return client.newEngine(ByteBufAllocator.DEFAULT, peer.getHostString(), peer.getPort());
    }

    @Override
    public SSLEngine newServerEngine() {
        return server.newEngine(ByteBufAllocator.DEFAULT);
    }

    @Override
    public boolean directBuffers() {
        return true; // BoringSSL reads and writes a direct buffer's memory in place; a heap buffer costs a copy
    }

    @Override
    public String description() {
        return "BoringSSL's SSLEngine through netty-tcnative (" + OpenSsl.versionString() + ")";
    }

    @Override
    public String toString() {
        return "OpenSslTlsEngines[" + description() + "]";
    }
}
