package io.github.skrl4j.adam.distributed.wire;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * One connection's byte stream: a blocking {@link SocketChannel} with direct buffers in plaintext,
 * or an {@link SSLSocket} layered on that channel's socket (heap buffers, whose arrays the TLS
 * streams read and write). Closing it closes the socket, which also ends a blocked read or write of
 * another thread: that is how write deadlines and {@link PeerMesh#close()} interrupt I/O.
 */
abstract sealed class Link permits Link.Plain, Link.Tls {

    /** TLS protocol versions this plane speaks. */
    static final String[] TLS_PROTOCOLS = {"TLSv1.3"};
    /** AES-128-GCM first: the JDK's AES-GCM is the bottleneck of a TLS link, and 128-bit keys take 10 rounds, not 14. */
    private static final List<String> CIPHER_SUITES = List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256");

    final SocketChannel channel;
    /** Held while a frame is written, so that frames of different threads never interleave. */
    final ReentrantLock writeLock = new ReentrantLock();
    /** {@link System#nanoTime()} by which the current write must finish; 0 while not writing. */
    volatile long writeDeadline;
    /** Whether a write is under way (its deadline is {@link #writeDeadline}). */
    volatile boolean writing;
    /** Set when the deadline watchdog closed this link. */
    volatile boolean timedOut;

    private Link(SocketChannel channel) {
        this.channel = channel;
    }

    /** A buffer this link reads into and writes from without an extra copy, little-endian. */
    abstract ByteBuffer allocate(int capacity);

    /** Reads exactly {@code dst.remaining()} bytes. */
    abstract void readFully(ByteBuffer dst) throws IOException;

    /** Writes exactly {@code src.remaining()} bytes. */
    abstract void writeFully(ByteBuffer src) throws IOException;

    /** Reads exactly {@code dst.remaining()} bytes of the handshake, each read bounded by {@code timeoutMillis}. */
    final void readHandshake(ByteBuffer dst, int timeoutMillis) throws IOException {
        Socket socket = socket();
        socket.setSoTimeout(timeoutMillis);
        InputStream in = socket.getInputStream();
        byte[] bytes = dst.array();
        while (dst.hasRemaining()) {
            int n = in.read(bytes, dst.arrayOffset() + dst.position(), dst.remaining());
            if (n < 0) {
                throw new EOFException("the connection ended during the handshake");
            }
            dst.position(dst.position() + n);
        }
        socket.setSoTimeout(0);
    }

    final void writeHandshake(ByteBuffer src) throws IOException {
        OutputStream out = socket().getOutputStream();
        out.write(src.array(), src.arrayOffset() + src.position(), src.remaining());
        out.flush();
        src.position(src.limit());
    }

    /** The socket the handshake streams use (the TLS socket with TLS). */
    abstract Socket socket();

    final void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // closing is best effort: the socket is unusable either way
        }
    }

    static Link plain(SocketChannel channel) {
        return new Plain(channel);
    }

    /** The client end of mutual TLS on {@code channel}, handshake done within {@code timeoutMillis}. */
    static Link tlsClient(SocketChannel channel, SSLContext context, InetSocketAddress peer, int timeoutMillis)
            throws IOException {
        SSLSocket ssl = (SSLSocket) context.getSocketFactory().createSocket(channel.socket(),
                peer.getHostString(), peer.getPort(), true);
        ssl.setUseClientMode(true);
        ssl.setEnabledProtocols(TLS_PROTOCOLS);
        return handshake(channel, ssl, timeoutMillis);
    }

    /** The server end of mutual TLS on {@code channel}: a client certificate the context trusts is required. */
    static Link tlsServer(SocketChannel channel, SSLContext context, int timeoutMillis) throws IOException {
        SSLSocket ssl = (SSLSocket) context.getSocketFactory().createSocket(channel.socket(), null, true);
        ssl.setUseClientMode(false);
        ssl.setNeedClientAuth(true);
        ssl.setEnabledProtocols(TLS_PROTOCOLS);
        return handshake(channel, ssl, timeoutMillis);
    }

    private static Link handshake(SocketChannel channel, SSLSocket ssl, int timeoutMillis) throws IOException {
        List<String> supported = Arrays.asList(ssl.getSupportedCipherSuites());
        String[] suites = CIPHER_SUITES.stream().filter(supported::contains).toArray(String[]::new);
        if (suites.length > 0) {
            ssl.setEnabledCipherSuites(suites);
            SSLParameters parameters = ssl.getSSLParameters();
            parameters.setUseCipherSuitesOrder(true); // the server's order (ours) wins
            ssl.setSSLParameters(parameters);
        }
        ssl.setSoTimeout(timeoutMillis);
        ssl.startHandshake();
        ssl.setSoTimeout(0);
        return new Tls(channel, ssl);
    }

    static final class Plain extends Link {
        private Plain(SocketChannel channel) {
            super(channel);
        }

        @Override
        ByteBuffer allocate(int capacity) {
            return ByteBuffer.allocateDirect(capacity).order(ByteOrder.LITTLE_ENDIAN);
        }

        @Override
        void readFully(ByteBuffer dst) throws IOException {
            while (dst.hasRemaining()) {
                if (channel.read(dst) < 0) {
                    throw new EOFException("the peer closed the connection");
                }
            }
        }

        @Override
        void writeFully(ByteBuffer src) throws IOException {
            while (src.hasRemaining()) {
                channel.write(src);
            }
        }

        @Override
        Socket socket() {
            return channel.socket();
        }
    }

    static final class Tls extends Link {
        private final SSLSocket ssl;
        private final InputStream in;
        private final OutputStream out;

        private Tls(SocketChannel channel, SSLSocket ssl) throws IOException {
            super(channel);
            this.ssl = ssl;
            this.in = ssl.getInputStream();
            this.out = ssl.getOutputStream();
        }

        @Override
        ByteBuffer allocate(int capacity) {
            return ByteBuffer.allocate(capacity).order(ByteOrder.LITTLE_ENDIAN);
        }

        @Override
        void readFully(ByteBuffer dst) throws IOException {
            byte[] bytes = dst.array();
            while (dst.hasRemaining()) {
                int n = in.read(bytes, dst.arrayOffset() + dst.position(), dst.remaining());
                if (n < 0) {
                    throw new EOFException("the peer closed the connection");
                }
                dst.position(dst.position() + n);
            }
        }

        @Override
        void writeFully(ByteBuffer src) throws IOException {
            out.write(src.array(), src.arrayOffset() + src.position(), src.remaining());
            src.position(src.limit());
        }

        @Override
        Socket socket() {
            return ssl;
        }
    }
}
