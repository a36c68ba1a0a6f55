package io.github.skrl4j.adam.distributed.wire;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A hand-written client of the wire protocol that says what the test tells it to (a plaintext
 * socket, or a TLS one made by the test): a forged hello, a frame with any header.
 */
final class Rogue implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    Rogue(Socket socket) throws IOException {
        this.socket = socket;
        this.socket.setSoTimeout(10_000);
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    static Rogue plain(InetSocketAddress address) throws IOException {
        Socket socket = new Socket();
        socket.connect(address, 5_000);
        return new Rogue(socket);
    }

    /** Sends a hello and returns the reply's status (0 accepted, otherwise 1 + the refusal's ordinal). */
    int hello(long worldId, int fromRank, int toRank, int worldSize, int maxChunkFloats) throws IOException {
        ByteBuffer hello = Protocol.hello(worldId, fromRank, toRank, worldSize, maxChunkFloats);
        out.write(hello.array(), 0, hello.limit());
        out.flush();
        byte[] reply = in.readNBytes(Protocol.REPLY_BYTES);
        if (reply.length < Protocol.REPLY_BYTES) {
            throw new java.io.EOFException("no reply to the hello");
        }
        return ByteBuffer.wrap(reply).order(ByteOrder.LITTLE_ENDIAN).getInt(4);
    }

    /** Sends a frame header and {@code payload} (which may be shorter than the header announces). */
    void frame(byte kind, int fromRank, long worldId, long operation, int chunk, int payloadBytes, byte[] payload)
            throws IOException {
        ByteBuffer header = ByteBuffer.allocate(Protocol.HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        Protocol.putHeader(header, kind, fromRank, worldId, operation, chunk, payloadBytes);
        out.write(header.array());
        out.write(payload);
        out.flush();
    }

    /** Whether the other end closed the connection (reading, whatever it says last, ends) within the socket timeout. */
    boolean closedByPeer() {
        try {
            in.readAllBytes();
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return false; // still open
        } catch (IOException e) {
            return true; // reset: closed as well
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
