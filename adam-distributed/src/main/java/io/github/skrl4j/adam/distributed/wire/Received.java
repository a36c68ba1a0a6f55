package io.github.skrl4j.adam.distributed.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;

/**
 * A frame of values received from a peer, in a buffer the mesh reuses: read it (or reduce straight
 * from {@link #floats()}), then hand it back with {@link PeerMesh#release(Received)}. Until then it
 * counts against the peer's {@link WireOptions#maxBufferedFramesPerPeer()}.
 */
public final class Received {

    final int fromRank;
    final ByteBuffer bytes;
    private final FloatBuffer floatView;
    private final LongBuffer longView;
    byte kind;
    long operation;
    int chunk;
    int payloadBytes;

    Received(int fromRank, ByteBuffer bytes) {
        this.fromRank = fromRank;
        this.bytes = bytes.order(ByteOrder.LITTLE_ENDIAN);
        this.floatView = this.bytes.asFloatBuffer();
        this.longView = this.bytes.asLongBuffer();
    }

    /** The rank whose authenticated connection carried this frame. */
    public int fromRank() {
        return fromRank;
    }

    /** The operation's sequence number. */
    public long operation() {
        return operation;
    }

    /** The chunk index within the operation. */
    public int chunk() {
        return chunk;
    }

    /** Whether the frame holds floats (otherwise longs). */
    public boolean holdsFloats() {
        return kind == Protocol.FLOATS;
    }

    /** Number of values (floats or longs). */
    public int length() {
        return kind == Protocol.FLOATS ? payloadBytes / Float.BYTES : payloadBytes / Long.BYTES;
    }

    /** The floats, position 0 and limit {@link #length()}; valid until released. */
    public FloatBuffer floats() {
        if (kind != Protocol.FLOATS) {
            throw new IllegalStateException("rank " + fromRank + "'s frame for chunk " + chunk + " of operation "
                    + operation + " holds longs, not floats");
        }
        floatView.clear().limit(length());
        return floatView;
    }

    /** The longs, position 0 and limit {@link #length()}; valid until released. */
    public LongBuffer longs() {
        if (kind != Protocol.LONGS) {
            throw new IllegalStateException("rank " + fromRank + "'s frame for chunk " + chunk + " of operation "
                    + operation + " holds floats, not longs");
        }
        longView.clear().limit(length());
        return longView;
    }

    void set(byte kind, long operation, int chunk, int payloadBytes) {
        this.kind = kind;
        this.operation = operation;
        this.chunk = chunk;
        this.payloadBytes = payloadBytes;
    }
}
