package io.github.skrl4j.adam.distributed.wire;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/**
 * A rank's listening end of the data plane: bound at {@link #open}, so that its address can be
 * published (e.g. through Hazelcast) before the world forms; then {@link #formWorld} connects this
 * rank to every other one and returns the {@link PeerMesh}.
 *
 * <p>Connections are made by the lower rank to the higher one. Each opens with mutual TLS when the
 * options carry an {@code SSLContext} (a peer without a certificate the context trusts fails the TLS
 * handshake and never reaches the hello), then with a hello naming the world id, the connecting
 * rank and the rank it expects to reach. An accepted hello must name the world being formed, a
 * lower rank not yet connected, this rank and the same settings; anything else is refused, counted
 * in {@link #counters()} and closed. Once every rank is connected, later connections are refused.
 */
public final class WireEndpoint implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(WireEndpoint.class.getName());
    private static final long CONNECT_RETRY_MILLIS = 50;

    private final WireOptions options;
    private final WireCounters counters;
    private final ServerSocketChannel server;
    private final InetSocketAddress localAddress;
    private final Thread acceptor;
    private final AtomicInteger pendingHandshakes = new AtomicInteger();
    /** Closes accepted connections whose handshake outlives the handshake timeout. */
    private final ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "skrl4j-wire-handshake-deadlines");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean closed;
    private @Nullable PeerMesh current; // guarded by this

    private WireEndpoint(WireOptions options, WireCounters counters) throws IOException {
        this.options = options;
        this.counters = counters;
        this.server = ServerSocketChannel.open();
        try {
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(options.bindAddress(), 64);
            this.localAddress = (InetSocketAddress) server.getLocalAddress();
        } catch (IOException | RuntimeException e) {
            server.close();
            deadlines.shutdownNow();
            throw e;
        }
        this.acceptor = new Thread(this::acceptLoop, "skrl4j-wire-accept-" + localAddress.getPort());
        this.acceptor.setDaemon(true);
        this.acceptor.start();
    }

    /**
     * Binds the endpoint. Without TLS, a bind to an address that is not loopback is refused unless
     * {@link WireOptions#allowInsecure()} says otherwise (then it logs one warning).
     *
     * @throws IllegalStateException for an insecure bind, naming {@value WireOptions#SSL_BUNDLE_PROPERTY}
     *                               and {@value WireOptions#ALLOW_INSECURE_PROPERTY}
     * @throws IOException           if the address cannot be bound
     */
    public static WireEndpoint open(WireOptions options) throws IOException {
        return open(options, new WireCounters());
    }

    /**
     * Binds the endpoint, counting what it refuses into {@code counters}; as {@link #open(WireOptions)}.
     */
    public static WireEndpoint open(WireOptions options, WireCounters counters) throws IOException {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(counters, "counters");
        if (requireSecureBind(options.bindAddress(), options.tls(), options.allowInsecure())) {
            LOG.log(Level.WARNING, "The data plane listens on " + options.bindAddress() + " without TLS ("
                    + WireOptions.ALLOW_INSECURE_PROPERTY + "=true): anyone who reaches this address and knows the "
                    + "world id can take part in training and read its gradients");
        }
        return new WireEndpoint(options, counters);
    }

    /**
     * The insecure-bind rule: returns whether the bind is insecure but allowed (worth a warning).
     *
     * @throws IllegalStateException if plaintext would listen off loopback without permission
     */
    static boolean requireSecureBind(InetSocketAddress address, boolean tls, boolean allowInsecure) {
        if (tls || address.getAddress() != null && address.getAddress().isLoopbackAddress()) {
            return false;
        }
        if (!allowInsecure) {
            throw new IllegalStateException("Refusing to listen on " + address + " for the data plane without TLS: "
                    + "it is not a loopback address, so peers would be neither authenticated nor encrypted. Set "
                    + WireOptions.SSL_BUNDLE_PROPERTY + " to an SSL bundle for mutual TLS, or set "
                    + WireOptions.ALLOW_INSECURE_PROPERTY + "=true if this network is private and trusted.");
        }
        return true;
    }

    /** The bound address (with the port chosen when the options asked for port 0). */
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    /** What this endpoint refused so far, by reason. */
    public WireCounters counters() {
        return counters;
    }

    WireOptions options() {
        return options;
    }

    /**
     * Forms the world {@code worldId} as rank {@code rank}: connects to every higher rank at its
     * address (retrying while it cannot be reached yet), accepts every lower rank, and returns when all
     * {@code worldSize - 1} connections stand.
     *
     * @param addresses every rank's {@link #localAddress()}, indexed by rank (this rank's entry is unused)
     * @throws WireException {@code FORMATION} naming the ranks that could not be reached, refused, or did
     *                       not connect within {@code timeout}
     */
    public PeerMesh formWorld(int rank, int worldSize, long worldId, List<InetSocketAddress> addresses,
            Duration timeout) {
        Objects.requireNonNull(addresses, "addresses");
        Objects.requireNonNull(timeout, "timeout");
        if (worldSize < 1 || rank < 0 || rank >= worldSize) {
            throw new IllegalArgumentException("rank " + rank + " is not in a world of " + worldSize);
        }
        if (addresses.size() != worldSize) {
            throw new IllegalArgumentException(addresses.size() + " addresses for a world of " + worldSize);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        PeerMesh mesh;
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the endpoint is closed");
            }
            if (current != null) {
                throw new IllegalStateException("this endpoint is already in world " + Long.toHexString(
                        current.worldId()) + "; close that mesh first");
            }
            mesh = new PeerMesh(this, rank, worldSize, worldId);
            current = mesh;
            notifyAll(); // handshakes that wait for this world
        }
        try {
            for (int peer = rank + 1; peer < worldSize; peer++) {
                connect(mesh, peer, Objects.requireNonNull(addresses.get(peer), "address of rank " + peer), deadline);
            }
            mesh.formation().awaitFormed(deadline);
            return mesh;
        } catch (RuntimeException e) {
            mesh.close();
            throw e;
        }
    }

    /**
     * Connects to {@code peer} and says hello. Whatever looks transient is retried, with a growing pause,
     * until the deadline: an address not listening yet, a peer not forming this world yet, a connection
     * closed or reset during the handshake (e.g. while the peer's handshake slots were taken), a TLS
     * failure (the last one is named in the final error). An explicit refusal of the hello is final.
     */
    private void connect(PeerMesh mesh, int peer, InetSocketAddress address, long deadline) {
        int rank = mesh.rank();
        IOException last = null;
        long pause = CONNECT_RETRY_MILLIS;
        while (System.nanoTime() - deadline < 0) {
            WireException failed = mesh.failure();
            if (failed != null) { // abandoned or closed meanwhile: stop knocking at the peer's door
                throw failed.in("rank " + rank + " forming the world");
            }
            SocketChannel channel = null;
            try {
                channel = SocketChannel.open();
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                channel.socket().connect(address, remainingMillisInt(deadline));
                int handshakeMillis = (int) Math.min(remainingMillisInt(deadline), options.handshakeTimeout().toMillis());
                Link link = options.tls()
                        ? Link.tlsClient(channel, options.tlsEngines(), address, handshakeMillis)
                        : Link.plain(channel);
                link.writeHandshake(Protocol.hello(mesh.worldId(), rank, peer, mesh.worldSize(),
                        options.maxChunkFloats()));
                ByteBuffer reply = ByteBuffer.allocate(Protocol.REPLY_BYTES).order(ByteOrder.LITTLE_ENDIAN);
                // longer than the peer holds a hello for a world it has not started forming, so that its answer
                // (and not our timeout) ends the wait
                link.readHandshake(reply, (int) Math.min(remainingMillisInt(deadline), 2L * handshakeMillis));
                int magic = reply.getInt(0);
                int status = reply.getInt(4);
                long world = reply.getLong(8);
                if (magic != Protocol.MAGIC || world != mesh.worldId()) {
                    link.close();
                    throw new WireException(WireException.Reason.FORMATION, peer, "rank " + peer + " at " + address
                            + " did not answer rank " + rank + "'s hello as a member of world "
                            + Long.toHexString(mesh.worldId()));
                }
                if (status == Protocol.refusalStatus(Refusal.UNKNOWN_WORLD)) {
                    link.close(); // it has not started forming this world yet: try again
                    sleep(CONNECT_RETRY_MILLIS);
                    continue;
                }
                if (status != Protocol.ACCEPTED) {
                    link.close();
                    throw new WireException(WireException.Reason.FORMATION, new int[] {peer}, "rank " + peer + " at "
                            + address + " refused rank " + rank + "'s connection: " + Protocol.describeStatus(status),
                            null, Protocol.refusalOf(status));
                }
                if (!mesh.formation().reserve(peer, link)) {
                    link.close();
                    WireException failure = mesh.failure();
                    throw failure != null ? failure.in("rank " + rank + " forming the world")
                            : new IllegalStateException("rank " + peer + " is connected twice");
                }
                mesh.formation().start(peer);
                return;
            } catch (IOException e) {
                last = e;
                closeQuietly(channel);
                sleep(Math.min(pause, Math.max(1, remainingMillis(deadline))));
                pause = Math.min(1_000, pause * 2);
            }
        }
        throw new WireException(WireException.Reason.FORMATION, new int[] {peer}, "rank " + rank
                + " could not connect to rank " + peer + " at " + address + " before the deadline"
                + (last != null ? "; last error: " + last : ""), last);
    }

    // ---- accepting

    private void acceptLoop() {
        while (!closed) {
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                sleep(CONNECT_RETRY_MILLIS); // e.g. out of file descriptors: do not spin
                continue;
            }
            if (pendingHandshakes.incrementAndGet() > options.maxPendingHandshakes()) {
                pendingHandshakes.decrementAndGet();
                counters.count(Refusal.TOO_MANY_PENDING);
                closeQuietly(channel);
                continue;
            }
            Thread handshake = new Thread(() -> {
                try {
                    handshake(channel);
                } finally {
                    pendingHandshakes.decrementAndGet();
                }
            }, "skrl4j-wire-handshake-" + localAddress.getPort());
            handshake.setDaemon(true);
            handshake.start();
        }
    }

    /**
     * One accepted connection's TLS handshake and hello, bounded as a whole by the handshake timeout:
     * the socket timeout bounds each read, and a guard closes the connection at the deadline, so that a
     * client trickling a byte at a time cannot hold the slot longer.
     */
    private void handshake(SocketChannel channel) {
        AtomicBoolean expired = new AtomicBoolean();
        ScheduledFuture<?> guard = deadlines.schedule(() -> {
            expired.set(true);
            closeQuietly(channel);
        }, options.handshakeTimeout().toNanos(), TimeUnit.NANOSECONDS);
        try {
            handshake(channel, expired, guard);
        } finally {
            guard.cancel(false);
        }
    }

    private void handshake(SocketChannel channel, AtomicBoolean expired, ScheduledFuture<?> guard) {
        long deadline = System.nanoTime() + options.handshakeTimeout().toNanos();
        int timeoutMillis = (int) Math.max(1, options.handshakeTimeout().toMillis());
        Link link;
        try {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            link = options.tls() ? Link.tlsServer(channel, options.tlsEngines(), timeoutMillis) : Link.plain(channel);
        } catch (IOException e) {
            refuse(null, channel, e instanceof SocketTimeoutException || expired.get() ? Refusal.HANDSHAKE_TIMEOUT
                    : Refusal.TLS_HANDSHAKE, 0);
            return;
        }
        ByteBuffer hello = ByteBuffer.allocate(Protocol.HELLO_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        try {
            link.readHandshake(hello, timeoutMillis);
        } catch (IOException e) {
            // an SSLException here: TLS 1.3, the client finished its side before this one checked its certificate
            refuse(link, channel, e instanceof SocketTimeoutException || expired.get() ? Refusal.HANDSHAKE_TIMEOUT
                    : e instanceof SSLException ? Refusal.TLS_HANDSHAKE : Refusal.BAD_HELLO, 0);
            return;
        }
        if (hello.getInt(0) != Protocol.MAGIC || hello.getInt(4) != Protocol.VERSION) {
            refuse(link, channel, Refusal.BAD_HELLO, 0);
            return;
        }
        long worldId = hello.getLong(8);
        int fromRank = hello.getInt(16);
        int toRank = hello.getInt(20);
        int worldSize = hello.getInt(24);
        int maxChunk = hello.getInt(28);
        // a hello for a world not formed yet waits for it, but answers well before the guard closes the connection
        PeerMesh mesh = awaitWorld(worldId, deadline - options.handshakeTimeout().toNanos() / 2);
        if (mesh == null) {
            refuse(link, channel, Refusal.UNKNOWN_WORLD, worldId);
            return;
        }
        if (!guard.cancel(false)) { // from here on the guard must not close a connection the mesh holds
            refuse(link, channel, Refusal.HANDSHAKE_TIMEOUT, worldId);
            return;
        }
        Refusal refusal = mesh.formation().checkHello(fromRank, toRank, worldSize, maxChunk);
        if (refusal == null && !mesh.formation().reserve(fromRank, link)) {
            refusal = Refusal.WRONG_RANK; // connected already (or the mesh failed or closed)
        }
        if (refusal != null) {
            refuse(link, channel, refusal, worldId);
            return;
        }
        try {
            link.writeHandshake(Protocol.reply(Protocol.ACCEPTED, worldId));
        } catch (IOException e) {
            link.close();
            mesh.fail(new WireException(WireException.Reason.PEER_LOST, fromRank, "rank " + fromRank
                    + " went away during its handshake with rank " + mesh.rank() + ": " + e, e));
            return;
        }
        mesh.formation().start(fromRank);
    }

    /** The mesh being formed for {@code worldId}, waiting for it until {@code deadline}; null if none. */
    private synchronized @Nullable PeerMesh awaitWorld(long worldId, long deadline) {
        while (!closed) {
            if (current != null && current.worldId() == worldId) {
                return current;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    private void refuse(@Nullable Link link, SocketChannel channel, Refusal reason, long worldId) {
        counters.count(reason);
        if (link != null && reason != Refusal.TLS_HANDSHAKE && reason != Refusal.HANDSHAKE_TIMEOUT) {
            try {
                link.writeHandshake(Protocol.reply(Protocol.refusalStatus(reason), worldId));
            } catch (IOException e) {
                // it is refused either way
            }
        }
        if (link != null) {
            link.close();
        }
        closeQuietly(channel);
    }

    /**
     * Abandons the formation of world {@code worldId} if this endpoint is forming it: {@link #formWorld}
     * then fails at once with {@code FORMATION} and {@code why}, instead of waiting for peers that will
     * not come (the caller learnt otherwise, e.g. that the cluster's members changed). A world already
     * formed is failed the same way, so call this only while {@link #formWorld} has not returned.
     */
    public void abandonFormation(long worldId, String why) {
        PeerMesh mesh;
        synchronized (this) {
            mesh = current;
        }
        if (mesh != null && mesh.worldId() == worldId) {
            mesh.fail(new WireException(WireException.Reason.FORMATION, new int[0], "rank " + mesh.rank()
                    + " abandoned forming world " + Long.toHexString(worldId) + ": " + why));
        }
    }

    synchronized void detach(PeerMesh mesh) {
        if (current == mesh) {
            current = null;
        }
    }

    /** Stops listening and closes the current mesh. */
    @Override
    public void close() {
        PeerMesh mesh;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            mesh = current;
            notifyAll();
        }
        closeQuietly(server);
        deadlines.shutdownNow();
        if (mesh != null) {
            mesh.close();
        }
    }

    @Override
    public String toString() {
        return "WireEndpoint[" + localAddress + (options.tls() ? ", mutual TLS" : ", plaintext") + "]";
    }

    private static long remainingMillis(long deadline) {
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    }

    private static int remainingMillisInt(long deadline) {
        return (int) Math.min(Integer.MAX_VALUE, remainingMillis(deadline));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WireException(WireException.Reason.INTERRUPTED, new int[0], "interrupted while connecting", e);
        }
    }

    private static void closeQuietly(java.nio.channels.@Nullable Channel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // best effort
            }
        }
    }
}
