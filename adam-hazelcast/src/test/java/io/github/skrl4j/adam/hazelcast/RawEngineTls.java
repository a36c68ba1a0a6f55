package io.github.skrl4j.adam.hazelcast;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * The benchmark's raw TLS exchange over an {@link SSLEngine} (for engines that come without sockets,
 * such as BoringSSL's): a blocking {@link SocketChannel}, direct buffers, wrap and write, read and unwrap,
 * nothing else. Not the data plane's link: the floor it is measured against. One thread writes while
 * another reads.
 */
final class RawEngineTls implements AutoCloseable {

    private static final ByteBuffer NOTHING = ByteBuffer.allocate(0);

    private final SocketChannel channel;
    private final SSLEngine engine;
    private final ByteBuffer netIn;
    private final ByteBuffer netOut;
    private final ByteBuffer appIn;
    private final int packet;

    RawEngineTls(SocketChannel channel, SSLEngine engine) throws IOException {
        this.channel = channel;
        this.engine = engine;
        this.packet = engine.getSession().getPacketBufferSize();
        this.netIn = ByteBuffer.allocateDirect(4 * packet).flip();
        this.netOut = ByteBuffer.allocateDirect(4 * packet);
        this.appIn = ByteBuffer.allocateDirect(Math.max(packet, engine.getSession().getApplicationBufferSize()))
                .flip();
        engine.setEnabledProtocols(new String[] {"TLSv1.3"});
        if (!engine.getUseClientMode()) {
            engine.setNeedClientAuth(true);
        }
        handshake();
    }

    private void handshake() throws IOException {
        engine.beginHandshake();
        HandshakeStatus status = engine.getHandshakeStatus();
        while (status != HandshakeStatus.FINISHED && status != HandshakeStatus.NOT_HANDSHAKING) {
            switch (status) {
                case NEED_TASK -> {
                    Runnable task;
                    while ((task = engine.getDelegatedTask()) != null) {
                        task.run();
                    }
                    status = engine.getHandshakeStatus();
                }
                case NEED_WRAP -> {
                    status = engine.wrap(NOTHING, netOut).getHandshakeStatus();
                    flush();
                }
                default -> {
                    appIn.clear();
                    SSLEngineResult result = engine.unwrap(netIn, appIn);
                    appIn.flip();
                    if (result.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                        fill();
                    } else if (result.getStatus() != SSLEngineResult.Status.OK) {
                        throw new SSLException("handshake: " + result);
                    }
                    status = result.getHandshakeStatus();
                }
            }
        }
    }

    /** Encrypts and writes every byte of {@code src}. */
    void write(ByteBuffer src) throws IOException {
        while (src.hasRemaining()) {
            if (netOut.remaining() < packet) {
                flush();
            }
            SSLEngineResult result = engine.wrap(src, netOut);
            if (result.getStatus() != SSLEngineResult.Status.OK) {
                throw new SSLException("wrap: " + result);
            }
        }
        flush();
    }

    /** Reads and decrypts until {@code dst} is full. */
    void read(ByteBuffer dst) throws IOException {
        while (dst.hasRemaining()) {
            if (appIn.hasRemaining()) {
                int n = Math.min(appIn.remaining(), dst.remaining());
                int limit = appIn.limit();
                appIn.limit(appIn.position() + n);
                dst.put(appIn);
                appIn.limit(limit);
                continue;
            }
            ByteBuffer target = dst.remaining() >= appIn.capacity() ? dst : appIn;
            if (target == appIn) {
                appIn.clear();
            }
            SSLEngineResult result = engine.unwrap(netIn, target);
            if (target == appIn) {
                appIn.flip();
            }
            if (result.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                fill();
            } else if (result.getStatus() != SSLEngineResult.Status.OK) {
                throw new SSLException("unwrap: " + result);
            }
        }
    }

    private void fill() throws IOException {
        netIn.compact();
        try {
            if (channel.read(netIn) < 0) {
                throw new EOFException();
            }
        } finally {
            netIn.flip();
        }
    }

    private void flush() throws IOException {
        netOut.flip();
        while (netOut.hasRemaining()) {
            channel.write(netOut);
        }
        netOut.clear();
    }

    @Override
    public void close() throws IOException {
        channel.close();
        engine.closeOutbound();
    }
}
