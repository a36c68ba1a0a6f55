package io.github.skrl4j.adam.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import io.github.skrl4j.adam.distributed.spi.Mailbox;
import io.github.skrl4j.adam.distributed.spi.MessageKind;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * One message of a collective operation, sent to one member as an executor task: on arrival it files
 * its payload in that member's mailbox for the world. The floats are written as their raw bits, so
 * every value (NaN payloads included) arrives bit for bit; they are read straight from the sender's
 * buffer slice, without an intermediate copy. Public only because Hazelcast instantiates it.
 */
public final class CollectiveMessage implements Runnable, DataSerializable, HazelcastInstanceAware {

    private String worldId = "";
    private int fromRank;
    private long sequence;
    private MessageKind kind = MessageKind.HANDSHAKE;
    private int chunk;
    // the sender's side: a slice of its buffer, serialized before the send returns
    private float @Nullable [] floats;
    private int offset;
    private int length;
    private long @Nullable [] longs;
    private transient @Nullable HazelcastInstance instance;

    /** For Hazelcast's deserialization. */
    public CollectiveMessage() {
    }

    static CollectiveMessage floats(String worldId, int fromRank, MessageKind kind, long sequence, int chunk,
            float[] data, int offset, int length) {
        CollectiveMessage m = header(worldId, fromRank, kind, sequence, chunk);
        m.floats = data;
        m.offset = offset;
        m.length = length;
        return m;
    }

    static CollectiveMessage longs(String worldId, int fromRank, MessageKind kind, long sequence, long[] values) {
        CollectiveMessage m = header(worldId, fromRank, kind, sequence, 0);
        m.longs = values;
        return m;
    }

    private static CollectiveMessage header(String worldId, int fromRank, MessageKind kind, long sequence,
            int chunk) {
        CollectiveMessage m = new CollectiveMessage();
        m.worldId = worldId;
        m.fromRank = fromRank;
        m.kind = kind;
        m.sequence = sequence;
        m.chunk = chunk;
        return m;
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance hazelcastInstance) {
        this.instance = hazelcastInstance;
    }

    @Override
    public void run() {
        HazelcastInstance hz = instance;
        if (hz == null) {
            return;
        }
        Mailbox mailbox = Mailboxes.of(hz).receiving(worldId);
        if (mailbox == null) {
            return; // a message of a world closed on this member
        }
        float[] f = floats;
        long[] l = longs;
        if (f != null) {
            mailbox.deliverFloats(fromRank, kind, sequence, chunk, f);
        } else if (l != null) {
            mailbox.deliverLongs(fromRank, kind, sequence, l);
        }
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeString(worldId);
        out.writeInt(fromRank);
        out.writeLong(sequence);
        out.writeByte(kind.ordinal());
        out.writeInt(chunk);
        float[] f = floats;
        long[] l = longs;
        if (kind.carriesFloats() && f != null) {
            out.writeInt(length);
            for (int i = offset, end = offset + length; i < end; i++) {
                out.writeInt(Float.floatToRawIntBits(f[i]));
            }
        } else if (!kind.carriesFloats() && l != null) {
            out.writeInt(l.length);
            for (long v : l) {
                out.writeLong(v);
            }
        } else {
            throw new IOException("a " + kind + " message without its payload");
        }
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        worldId = in.readString();
        fromRank = in.readInt();
        sequence = in.readLong();
        int kindNumber = in.readByte();
        try {
            kind = MessageKind.ofOrdinal(kindNumber);
        } catch (IllegalArgumentException e) {
            throw new IOException("unknown collective message kind " + kindNumber, e);
        }
        chunk = in.readInt();
        int n = in.readInt();
        if (n < 0) {
            throw new IOException("a collective message announcing " + n + " values");
        }
        if (kind.carriesFloats()) {
            float[] f = new float[n];
            for (int i = 0; i < n; i++) {
                f[i] = Float.intBitsToFloat(in.readInt());
            }
            floats = f;
            length = n;
        } else {
            long[] l = new long[n];
            for (int i = 0; i < n; i++) {
                l[i] = in.readLong();
            }
            longs = l;
        }
    }
}
