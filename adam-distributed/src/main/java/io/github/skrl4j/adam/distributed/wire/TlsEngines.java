package io.github.skrl4j.adam.distributed.wire;

import java.net.InetSocketAddress;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

/**
 * Where a TLS data plane's {@link SSLEngine}s come from: one new engine per connection, the client's
 * for the peer it connects to, the server's for each accepted connection. The data plane drives any
 * {@code SSLEngine} over its own buffers and sockets, and enforces its rules on every engine it is
 * given, whoever made it: TLS 1.3 only, a client certificate required, the handshake bounded by
 * {@link WireOptions#handshakeTimeout()}.
 *
 * <p>Two sources ship: {@link #jdk(SSLContext)}, the JDK's own engine (portable, always there), and
 * {@code io.github.skrl4j.adam.distributed.openssl.OpenSslTlsEngines}, BoringSSL through netty-tcnative
 * (native AES-GCM: faster, and no allocation per TLS record, which the JDK's engine cannot avoid), usable
 * when the application adds Netty and netty-tcnative. Both carry the same bytes: the
 * results are bit-identical whichever a rank uses, and ranks of one world may even mix them.
 */
public interface TlsEngines {

    /** A new client-side engine for a connection to {@code peer} (the address names the host to verify). */
    SSLEngine newClientEngine(InetSocketAddress peer);

    /** A new server-side engine for an accepted connection. */
    SSLEngine newServerEngine();

    /**
     * Whether the engine works best on direct buffers (native engines read and write them in place); the
     * data plane then gives it direct buffers, else heap buffers (the JDK's ciphers work on arrays).
     */
    boolean directBuffers();

    /** What these engines are, for logs: e.g. "the JDK's SSLEngine". */
    String description();

    /** The JDK's engines from {@code context}, whose key managers identify this rank and whose trust managers the peers. */
    static TlsEngines jdk(SSLContext context) {
        return new JdkTlsEngines(context);
    }
}
