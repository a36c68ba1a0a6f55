package io.github.skrl4j.adam.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import io.github.skrl4j.adam.distributed.spi.Mailbox;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.jspecify.annotations.Nullable;

/**
 * The mailboxes of one Hazelcast member, one per world, kept in the instance's user context so that
 * arriving {@link CollectiveMessage}s find them. A message may arrive before its world is set up on
 * this member (a faster member), so a mailbox is created by whichever comes first; a closed world's
 * id is remembered so that its late messages are dropped instead of filling a new mailbox.
 */
final class Mailboxes {

    private static final String KEY = Mailboxes.class.getName();

    private final ConcurrentMap<String, Mailbox> open = new ConcurrentHashMap<>();
    private final Set<String> closed = ConcurrentHashMap.newKeySet();

    static Mailboxes of(HazelcastInstance instance) {
        return (Mailboxes) instance.getUserContext().computeIfAbsent(KEY, k -> new Mailboxes());
    }

    Mailbox open(String worldId) {
        return open.computeIfAbsent(worldId, k -> new Mailbox());
    }

    /** The mailbox an arriving message of {@code worldId} goes to, or {@code null} once that world has closed here. */
    @Nullable Mailbox receiving(String worldId) {
        return closed.contains(worldId) ? null : open(worldId);
    }

    /** Drops a mailbox whose id may be used again (a join's hand-shake). */
    void forget(String id) {
        open.remove(id);
    }

    void close(String worldId) {
        closed.add(worldId);
        open.remove(worldId);
    }
}
