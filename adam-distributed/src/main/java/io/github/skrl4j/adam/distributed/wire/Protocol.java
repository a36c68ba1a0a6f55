package io.github.skrl4j.adam.distributed.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.jspecify.annotations.Nullable;

/**
 * The bytes on the wire, all little-endian.
 *
 * <p>A connection opens (after TLS, when configured) with the connecting rank's hello:
 * {@code magic:int version:int worldId:long fromRank:int toRank:int worldSize:int maxChunkFloats:int}
 * (32 bytes), answered by {@code magic:int status:int worldId:long} (16 bytes; status 0 accepts,
 * otherwise {@code 1 + Refusal.ordinal()} and the connection is closed).
 *
 * <p>Then frames, each a 32-byte header
 * {@code kind:byte pad:3 fromRank:int worldId:long operation:long chunk:int payloadBytes:int} and the
 * payload: raw floats or longs, a UTF-8 reason for an abort, nothing for a goodbye or a heartbeat (sent on
 * a connection nothing else was written to for a while, so that a peer's silence means it is frozen or gone).
 */
final class Protocol {

    static final int MAGIC = 0x5752_4b53; // "SKRW" read as little-endian bytes
    static final int VERSION = 2; // 2: heartbeats

    static final int HELLO_BYTES = 32;
    static final int REPLY_BYTES = 16;
    static final int HEADER_BYTES = 32;
    static final int ACCEPTED = 0;

    static final byte FLOATS = 1;
    static final byte LONGS = 2;
    static final byte ABORT = 3;
    static final byte LEAVE = 4;
    static final byte HEARTBEAT = 5;

    /** The longest abort reason on the wire (longer ones are cut). */
    static final int MAX_ABORT_BYTES = 1024;

    static final int KIND = 0;
    static final int FROM_RANK = 4;
    static final int WORLD_ID = 8;
    static final int OPERATION = 16;
    static final int CHUNK = 24;
    static final int PAYLOAD_BYTES = 28;

    private Protocol() {
    }

    static ByteBuffer hello(long worldId, int fromRank, int toRank, int worldSize, int maxChunkFloats) {
        ByteBuffer b = ByteBuffer.allocate(HELLO_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(MAGIC).putInt(VERSION).putLong(worldId).putInt(fromRank).putInt(toRank).putInt(worldSize)
                .putInt(maxChunkFloats);
        return b.flip();
    }

    static ByteBuffer reply(int status, long worldId) {
        ByteBuffer b = ByteBuffer.allocate(REPLY_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(MAGIC).putInt(status).putLong(worldId);
        return b.flip();
    }

    static int refusalStatus(Refusal reason) {
        return 1 + reason.ordinal();
    }

    /** The refusal a reply's status names, or {@code null} if it names none. */
    static @Nullable Refusal refusalOf(int status) {
        int ordinal = status - 1;
        Refusal[] all = Refusal.values();
        return ordinal >= 0 && ordinal < all.length ? all[ordinal] : null;
    }

    static String describeStatus(int status) {
        Refusal refusal = refusalOf(status);
        return refusal != null ? refusal.name() : "status " + status;
    }

    /** Writes a frame header at index 0 of {@code frame} (absolute puts: position and limit are untouched). */
    static void putHeader(ByteBuffer frame, byte kind, int fromRank, long worldId, long operation, int chunk,
            int payloadBytes) {
        frame.put(KIND, kind).put(1, (byte) 0).put(2, (byte) 0).put(3, (byte) 0);
        frame.putInt(FROM_RANK, fromRank).putLong(WORLD_ID, worldId).putLong(OPERATION, operation)
                .putInt(CHUNK, chunk).putInt(PAYLOAD_BYTES, payloadBytes);
    }

    static String kindName(byte kind) {
        return switch (kind) {
            case FLOATS -> "floats";
            case LONGS -> "longs";
            case ABORT -> "abort";
            case LEAVE -> "goodbye";
            case HEARTBEAT -> "heartbeat";
            default -> "kind " + kind;
        };
    }
}
