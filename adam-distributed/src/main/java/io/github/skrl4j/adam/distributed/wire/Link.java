package io.github.skrl4j.adam.distributed.wire;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * One connection's byte stream: a blocking {@link SocketChannel} with direct buffers in plaintext, or
 * the same channel carrying TLS through an {@link javax.net.ssl.SSLEngine} ({@link TlsLink}). Closing
 * it closes the channel, which also ends a blocked read or write of another thread: that is how write
 * deadlines and {@link PeerMesh#close()} interrupt I/O.
 */
abstract sealed class Link permits Link.Plain, TlsLink {

    /** TLS protocol versions this plane speaks. */
    static final String[] TLS_PROTOCOLS = {"TLSv1.3"};

    final SocketChannel channel;
    /** Held while a frame is written, so that frames of different threads never interleave. */
    final ReentrantLock writeLock = new ReentrantLock();
    /** {@link System#nanoTime()} by which the current write must finish; 0 while not writing. */
    volatile long writeDeadline;
    /** Whether a write is under way (its deadline is {@link #writeDeadline}). */
    volatile boolean writing;
    /** Set when the deadline watchdog closed this link. */
    volatile boolean timedOut;
    /**
     * Whether the calling thread is inside a frame it reads itself ({@link FrameReader#readFrame}): its
     * deadline is {@link #readDeadline}, past which the watchdog closes the link (a blocking read has no
     * timeout of its own, and a frame half read cannot be left to another reader).
     */
    volatile boolean callerReading;
    /** {@link System#nanoTime()} by which the caller's frame must be read whole; meaningful while {@link #callerReading}. */
    volatile long readDeadline;
    /** Set when the watchdog closed this link because the caller's read passed its deadline. */
    volatile boolean readTimedOut;
    /** The socket's stream, whose reads honour {@code SO_TIMEOUT}; made once (each call of the socket's makes one). */
    private @Nullable InputStream timedInput;

    Link(SocketChannel channel) {
        this.channel = channel;
    }

    /**
     * Writes {@code frame} whole, from position 0, the caller holding {@link #writeLock}: the mesh's
     * watchdog closes this link once {@code deadlineNanos} passes, which ends the write with an
     * {@link IOException} ({@link #timedOut} then says why).
     */
    final void writeBefore(ByteBuffer frame, long deadlineNanos) throws IOException {
        writeDeadline = deadlineNanos;
        writing = true;
        try {
            frame.position(0);
            writeFully(frame);
        } finally {
            writing = false;
        }
    }

    /** A buffer this link reads into and writes from without an extra copy, little-endian. */
    abstract ByteBuffer allocate(int capacity);

    /** Reads exactly {@code dst.remaining()} bytes. */
    abstract void readFully(ByteBuffer dst) throws IOException;

    /** Writes exactly {@code src.remaining()} bytes. */
    abstract void writeFully(ByteBuffer src) throws IOException;

    /**
     * Whether a waiting caller may read this link's small frames itself ({@link PeerInbox.ReadSide}): in
     * plaintext. Over TLS the caller would decrypt as well, and interleaved two-JVM runs on BoringSSL showed
     * no gain, with the caller's allocation above 0.01 bytes per gradient byte (it would make the reader's
     * {@code SSLEngineResult}s too): TLS links are read by their reader threads only.
     */
    boolean readByCaller() {
        return false;
    }

    /**
     * Waits up to {@code waitMillis} for the first of {@code dst.remaining()} bytes: {@code false} if not a
     * byte arrived ({@code dst} unchanged, nothing consumed), {@code true} once some did (read into
     * {@code dst} or waiting in the socket; the rest for {@link #readFully}). A caller reads its own frames with it, where {@link #readByCaller()}: a poll it can
     * give up.
     */
    boolean readStart(ByteBuffer dst, int waitMillis) throws IOException {
        throw new UnsupportedOperationException("this link is read by its reader thread only");
    }

    /** Reads exactly {@code dst.remaining()} bytes of the handshake, each read bounded by {@code timeoutMillis}. */
    abstract void readHandshake(ByteBuffer dst, int timeoutMillis) throws IOException;

    /** Writes the bytes of a handshake message (hello or reply). */
    void writeHandshake(ByteBuffer src) throws IOException {
        writeFully(src);
    }

    void close() {
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
    static Link tlsClient(SocketChannel channel, TlsEngines engines, InetSocketAddress peer, int timeoutMillis)
            throws IOException {
        return TlsLink.client(channel, engines, peer, timeoutMillis);
    }

    /** The server end of mutual TLS on {@code channel}: a client certificate the engines trust is required. */
    static Link tlsServer(SocketChannel channel, TlsEngines engines, int timeoutMillis) throws IOException {
        return TlsLink.server(channel, engines, timeoutMillis);
    }

    /**
     * Reads from the channel into {@code dst} through the socket's stream, which honours a timeout
     * (a blocking channel's own reads ignore {@code SO_TIMEOUT}); returns the bytes read, -1 at the end;
     * {@link java.net.SocketTimeoutException} when nothing arrived in time.
     */
    final int readWithTimeout(byte[] scratch, ByteBuffer dst, int timeoutMillis) throws IOException {
        InputStream in = timedInput();
        Socket socket = channel.socket();
        socket.setSoTimeout(timeoutMillis);
        int n = in.read(scratch, 0, Math.min(scratch.length, dst.remaining()));
        socket.setSoTimeout(0); // not in a finally: a failed read's exception must not become a closed socket's
        if (n > 0) {
            dst.put(scratch, 0, n);
        }
        return n;
    }

    /** The socket's stream, made once. */
    final InputStream timedInput() throws IOException {
        InputStream in = timedInput;
        if (in == null) {
            in = channel.socket().getInputStream();
            timedInput = in;
        }
        return in;
    }

    static final class Plain extends Link {
        /** A frame header's worth: what {@link #readStart} reads through the socket's stream at most. */
        private final byte[] startScratch = new byte[Protocol.HEADER_BYTES];

        private Plain(SocketChannel channel) {
            super(channel);
        }

        @Override
        boolean readByCaller() {
            return true;
        }

        @Override
        boolean readStart(ByteBuffer dst, int waitMillis) throws IOException {
            if (timedInput().available() > 0) {
                return true; // the frame has begun: read it with the channel, without the timed read's poll
            }
            int n;
            try {
                n = readWithTimeout(startScratch, dst, waitMillis);
            } catch (SocketTimeoutException e) {
                return false;
            }
            if (n < 0) {
                throw new EOFException("the peer closed the connection");
            }
            return n > 0;
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
        void readHandshake(ByteBuffer dst, int timeoutMillis) throws IOException {
            Socket socket = channel.socket();
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

        @Override
        void writeHandshake(ByteBuffer src) throws IOException {
            OutputStream out = channel.socket().getOutputStream();
            out.write(src.array(), src.arrayOffset() + src.position(), src.remaining());
            out.flush();
            src.position(src.limit());
        }
    }
}
