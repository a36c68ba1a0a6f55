package io.github.skrl4j.adam.distributed.wire;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.jspecify.annotations.Nullable;

/**
 * Mutual TLS 1.3 on a blocking {@link SocketChannel}, driven through any {@link SSLEngine}
 * ({@link TlsEngines} says where it comes from). The link owns its buffers, allocated once: ciphertext
 * read and not yet decrypted ({@code netIn}), ciphertext encrypted and not yet written ({@code netOut}),
 * and plaintext decrypted ahead of the reader ({@code appIn}). Reads decrypt straight into the
 * caller's buffer whenever it has room for a whole record, so a frame's payload is copied once at most
 * for its last partial record; writes encrypt straight from the caller's buffer.
 *
 * <p>Whoever made the engine, this class sets and then checks what the plane requires: TLS 1.3 only,
 * the server requiring a client certificate; the handshake as a whole must finish by its deadline.
 * One thread reads (the connection's reader: a TLS link is not read by the caller,
 * {@link Link#readByCaller()}) while another writes (under {@link #writeLock}); the engine is never used
 * for I/O, so neither waits for the other. Closing the channel ends both.
 */
final class TlsLink extends Link {

    private static final ByteBuffer NOTHING = ByteBuffer.allocate(0);
    /** TLS record header: type, version, length (a record's body is at most 2^14 + 256 bytes). */
    private static final int RECORD_HEADER_BYTES = 5;
    /** How many records the network buffers hold: fewer system calls than one record at a time. */
    private static final int RECORDS_PER_BUFFER = 4;

    private final SSLEngine engine;
    private final boolean direct;
    private final int packetBytes;
    private final int appBytes;
    /** Read mode between calls: its remaining bytes arrived and are not decrypted yet. Reader's only. */
    private final ByteBuffer netIn;
    /** Read mode between calls: decrypted bytes not handed out yet. Reader's only. */
    private final ByteBuffer appIn;
    /** Write mode: encrypted bytes not written yet (empty between calls). Writer's only. */
    private final ByteBuffer netOut;

    private TlsLink(SocketChannel channel, SSLEngine engine, boolean direct) {
        super(channel);
        this.engine = engine;
        this.direct = direct;
        SSLSession session = engine.getSession();
        this.packetBytes = session.getPacketBufferSize();
        // room for a record's whole ciphertext body: an engine may ask for that much before it decrypts
        this.appBytes = Math.max(session.getApplicationBufferSize(), packetBytes);
        this.netIn = buffer(RECORDS_PER_BUFFER * packetBytes).flip();
        this.appIn = buffer(appBytes).flip();
        this.netOut = buffer(RECORDS_PER_BUFFER * packetBytes);
    }

    static TlsLink client(SocketChannel channel, TlsEngines engines, InetSocketAddress peer, int timeoutMillis)
            throws IOException {
        SSLEngine engine = engines.newClientEngine(peer);
        engine.setUseClientMode(true);
        engine.setEnabledProtocols(TLS_PROTOCOLS);
        return handshake(channel, engine, engines.directBuffers(), timeoutMillis);
    }

    static TlsLink server(SocketChannel channel, TlsEngines engines, int timeoutMillis) throws IOException {
        SSLEngine engine = engines.newServerEngine();
        engine.setUseClientMode(false);
        engine.setNeedClientAuth(true);
        engine.setEnabledProtocols(TLS_PROTOCOLS);
        return handshake(channel, engine, engines.directBuffers(), timeoutMillis);
    }

    private static TlsLink handshake(SocketChannel channel, SSLEngine engine, boolean direct, int timeoutMillis)
            throws IOException {
        TlsLink link = new TlsLink(channel, engine, direct);
        try {
            link.handshake(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis));
            link.requireAgreedTerms();
            return link;
        } catch (IOException e) {
            link.close();
            throw e;
        } catch (RuntimeException e) { // an engine's own unchecked failure (bytes that are not TLS, say)
            link.close();
            SSLHandshakeException failed = new SSLHandshakeException("the TLS handshake failed: " + e);
            failed.initCause(e);
            throw failed;
        }
    }

    @Override
    ByteBuffer allocate(int capacity) {
        return buffer(capacity).order(ByteOrder.LITTLE_ENDIAN);
    }

    private ByteBuffer buffer(int capacity) {
        return direct ? ByteBuffer.allocateDirect(capacity) : ByteBuffer.allocate(capacity);
    }

    // ---- the handshake

    /** Runs the TLS handshake to its end; every read is bounded by what is left until {@code deadline}. */
    private void handshake(long deadline) throws IOException {
        byte[] scratch = new byte[netIn.capacity()];
        engine.beginHandshake();
        HandshakeStatus status = engine.getHandshakeStatus();
        try {
            while (status != HandshakeStatus.FINISHED && status != HandshakeStatus.NOT_HANDSHAKING) {
                switch (status) {
                    case NEED_TASK -> runTasks();
                    case NEED_WRAP -> {
                        SSLEngineResult result = engine.wrap(NOTHING, netOut);
                        flush();
                        if (result.getStatus() != SSLEngineResult.Status.OK) {
                            throw new SSLHandshakeException("the TLS engine could not write its handshake: "
                                    + result.getStatus());
                        }
                        status = result.getHandshakeStatus();
                        continue;
                    }
                    case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                        appIn.clear();
                        SSLEngineResult result = engine.unwrap(netIn, appIn);
                        appIn.flip();
                        switch (result.getStatus()) {
                            case BUFFER_UNDERFLOW -> fill(scratch, deadline);
                            case CLOSED -> throw new SSLHandshakeException("the peer closed the connection during "
                                    + "the TLS handshake");
                            case BUFFER_OVERFLOW -> throw new SSLHandshakeException("a handshake record larger "
                                    + "than the engine's application buffer");
                            case OK -> {
                                // progress: the status says what comes next
                            }
                        }
                        status = result.getHandshakeStatus();
                        continue;
                    }
                    default -> throw new SSLHandshakeException("unexpected handshake status " + status);
                }
                status = engine.getHandshakeStatus();
            }
        } catch (SSLException e) {
            sendAlert(); // tell the peer why (a bad certificate, say) before the connection closes
            throw e;
        }
    }

    /** The engine agreed TLS 1.3 and, on the server's side, saw a client certificate: whoever made it. */
    private void requireAgreedTerms() throws IOException {
        SSLSession session = engine.getSession();
        if (!"TLSv1.3".equals(session.getProtocol())) {
            throw new SSLHandshakeException("the TLS engine agreed " + session.getProtocol() + ", not TLSv1.3");
        }
        if (!engine.getUseClientMode()) {
            try {
                if (session.getPeerCertificates().length == 0) {
                    throw new SSLPeerUnverifiedException("no client certificate");
                }
            } catch (SSLPeerUnverifiedException e) {
                throw new SSLHandshakeException("the client presented no certificate: " + e.getMessage());
            }
        }
    }

    /** Best effort: writes whatever the engine has to say (an alert) after a failed handshake. */
    private void sendAlert() {
        try {
            engine.closeOutbound();
            netOut.clear();
            engine.wrap(NOTHING, netOut);
            flush();
        } catch (IOException | RuntimeException e) {
            // the handshake failed either way
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }

    /** Reads more ciphertext into {@code netIn} before {@code deadline} (handshake only). */
    private void fill(byte[] scratch, long deadline) throws IOException {
        netIn.compact();
        try {
            if (!netIn.hasRemaining()) {
                throw new SSLHandshakeException("a handshake record longer than " + netIn.capacity() + " bytes");
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new SocketTimeoutException("the TLS handshake did not finish in time");
            }
            int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(left)));
            if (readWithTimeout(scratch, netIn, millis) < 0) {
                throw new EOFException("the connection ended during the TLS handshake");
            }
        } finally {
            netIn.flip();
        }
    }

    // ---- application data

    @Override
    void readFully(ByteBuffer dst) throws IOException {
        try {
            read(dst, null, 0);
        } catch (RuntimeException e) {
            throw uncheckedFailure(e);
        }
    }

    @Override
    void readHandshake(ByteBuffer dst, int timeoutMillis) throws IOException {
        try {
            read(dst, new byte[netIn.capacity()], System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis));
        } catch (RuntimeException e) {
            throw uncheckedFailure(e);
        }
    }

    /** An engine's unchecked failure as the I/O failure it is, so that the connection ends like any other. */
    private static SSLException uncheckedFailure(RuntimeException e) {
        return new SSLException("the TLS engine failed: " + e, e);
    }

    /**
     * Reads exactly {@code dst.remaining()} plaintext bytes: first what was decrypted ahead, then record
     * by record, straight into {@code dst} while a whole record fits, else through {@code appIn}.
     * With {@code scratch}, network reads are bounded by {@code deadline}; without, they block.
     */
    private void read(ByteBuffer dst, byte @Nullable [] scratch, long deadline) throws IOException {
        boolean roomy = dst.isDirect() == direct; // an engine decrypts into dst in place only if it likes its kind
        while (dst.hasRemaining()) {
            if (appIn.hasRemaining()) {
                int n = Math.min(appIn.remaining(), dst.remaining());
                int limit = appIn.limit();
                appIn.limit(appIn.position() + n);
                dst.put(appIn);
                appIn.limit(limit);
                continue;
            }
            if (!wholeRecordIn()) {
                receive(scratch, deadline);
                continue;
            }
            boolean inPlace = roomy && dst.remaining() >= appBytes;
            SSLEngineResult result;
            if (inPlace) {
                result = engine.unwrap(netIn, dst);
            } else {
                appIn.clear();
                result = engine.unwrap(netIn, appIn);
                appIn.flip();
            }
            switch (result.getStatus()) {
                case OK -> {
                    if (result.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
                        runTasks();
                    }
                    // a post-handshake message (a session ticket, a key update) yields no bytes; the answer
                    // to a key update goes out with the next write
                }
                case BUFFER_UNDERFLOW -> receive(scratch, deadline);
                case BUFFER_OVERFLOW -> {
                    if (!inPlace) {
                        throw new SSLException("a TLS record larger than the engine's application buffer ("
                                + appBytes + " bytes)");
                    }
                    roomy = false; // the engine wants more room than dst has left: decrypt through appIn
                }
                case CLOSED -> throw new EOFException("the peer closed the TLS connection");
            }
        }
    }

    /** Whether {@code netIn} holds a whole record (so that unwrap is not called only to underflow). */
    private boolean wholeRecordIn() {
        int available = netIn.remaining();
        if (available < RECORD_HEADER_BYTES) {
            return false;
        }
        int p = netIn.position();
        int length = ((netIn.get(p + 3) & 0xff) << 8) | (netIn.get(p + 4) & 0xff);
        return available >= RECORD_HEADER_BYTES + length;
    }

    /** Reads more ciphertext into {@code netIn}: blocking, or bounded by {@code deadline} with {@code scratch}. */
    private void receive(byte @Nullable [] scratch, long deadline) throws IOException {
        if (scratch != null) {
            fill(scratch, deadline);
            return;
        }
        netIn.compact();
        try {
            if (!netIn.hasRemaining()) {
                throw new SSLException("a TLS record longer than " + netIn.capacity() + " bytes");
            }
            if (channel.read(netIn) < 0) {
                throw new EOFException("the peer closed the connection");
            }
        } finally {
            netIn.flip();
        }
    }

    @Override
    void writeFully(ByteBuffer src) throws IOException {
        try {
            write(src);
        } catch (RuntimeException e) {
            throw uncheckedFailure(e);
        }
    }

    private void write(ByteBuffer src) throws IOException {
        while (src.hasRemaining()) {
            if (netOut.remaining() < packetBytes) {
                flush();
            }
            SSLEngineResult result = engine.wrap(src, netOut);
            switch (result.getStatus()) {
                case OK -> {
                    if (result.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
                        runTasks();
                    }
                }
                case BUFFER_OVERFLOW -> {
                    if (netOut.position() == 0) {
                        throw new SSLException("the TLS engine needs more than " + netOut.capacity()
                                + " bytes for one record");
                    }
                    flush();
                }
                case CLOSED -> throw new SSLException("the TLS connection is closed");
                case BUFFER_UNDERFLOW -> throw new SSLException("the TLS engine reported an underflow on wrap");
            }
        }
        flush();
    }

    /** Writes every byte of {@code netOut} (in write mode) and empties it. */
    private void flush() throws IOException {
        netOut.flip();
        try {
            while (netOut.hasRemaining()) {
                channel.write(netOut);
            }
        } finally {
            netOut.clear();
        }
    }

    @Override
    void close() {
        super.close();
        // frees a native engine's memory at once; the JDK's complains that no close_notify came, which is moot
        engine.closeOutbound();
        try {
            engine.closeInbound();
        } catch (SSLException e) {
            // expected: the connection is dropped, not shut down in order
        }
    }
}
