package io.github.skrl4j.adam.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * One message of a collective operation, sent to one member as an executor task: on arrival it files
 * its payload in that member's mailbox for the world. The floats are written as their raw bits, so
 * every value (NaN payloads included) arrives bit for bit; they are read straight from the sender's
 * buffer slice, without an intermediate copy. Public only because Hazelcast instantiates it.
 */
public final class CollectiveMessage implements Runnable, DataSerializable, HazelcastInstanceAware {

    private static final byte FLOATS = 1;
    private static final byte LONGS = 2;

    private String worldId = "";
    private int fromRank;
    private long sequence;
    private int slot;
    // the sender's side: a slice of its buffer, serialized before the send returns
    private float @Nullable [] floats;
    private int offset;
    private int length;
    private long @Nullable [] longs;
    private transient @Nullable HazelcastInstance instance;

    /** For Hazelcast's deserialization. */
    public CollectiveMessage() {
    }

    static CollectiveMessage floats(String worldId, int fromRank, long sequence, int slot, float[] data, int offset,
            int length) {
        CollectiveMessage m = header(worldId, fromRank, sequence, slot);
        m.floats = data;
        m.offset = offset;
        m.length = length;
        return m;
    }

    static CollectiveMessage longs(String worldId, int fromRank, long sequence, int slot, long[] values) {
        CollectiveMessage m = header(worldId, fromRank, sequence, slot);
        m.longs = values;
        return m;
    }

    private static CollectiveMessage header(String worldId, int fromRank, long sequence, int slot) {
        CollectiveMessage m = new CollectiveMessage();
        m.worldId = worldId;
        m.fromRank = fromRank;
        m.sequence = sequence;
        m.slot = slot;
        return m;
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance hazelcastInstance) {
        this.instance = hazelcastInstance;
    }

    @Override
    public void run() {
        HazelcastInstance hz = instance;
        Object payload = floats != null ? floats : longs;
        if (hz != null && payload != null) {
            Mailboxes.of(hz).deliver(worldId, fromRank, sequence, slot, payload);
        }
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeString(worldId);
        out.writeInt(fromRank);
        out.writeLong(sequence);
        out.writeInt(slot);
        float[] f = floats;
        long[] l = longs;
        if (f != null) {
            out.writeByte(FLOATS);
            out.writeInt(length);
            for (int i = offset, end = offset + length; i < end; i++) {
                out.writeInt(Float.floatToRawIntBits(f[i]));
            }
        } else if (l != null) {
            out.writeByte(LONGS);
            out.writeInt(l.length);
            for (long v : l) {
                out.writeLong(v);
            }
        } else {
            throw new IOException("a collective message without payload");
        }
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        worldId = in.readString();
        fromRank = in.readInt();
        sequence = in.readLong();
        slot = in.readInt();
        byte kind = in.readByte();
        int n = in.readInt();
        if (kind == FLOATS) {
            float[] f = new float[n];
            for (int i = 0; i < n; i++) {
                f[i] = Float.intBitsToFloat(in.readInt());
            }
            floats = f;
            length = n;
        } else if (kind == LONGS) {
            long[] l = new long[n];
            for (int i = 0; i < n; i++) {
                l[i] = in.readLong();
            }
            longs = l;
        } else {
            throw new IOException("unknown collective message kind " + kind);
        }
    }
}
