package io.github.skrl4j.adam.distributed.wire;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link WireEndpoint} listens and what it accepts. Immutable; build with {@link #builder()}.
 *
 * @param bindAddress             where this rank listens (default loopback, any free port); a
 *                                non-loopback address needs TLS or {@code allowInsecure}
 * @param sslContext              mutual TLS (TLSv1.3, client certificates required) with this context's
 *                                key and trust material on the JDK's engine; {@code null} for plaintext or
 *                                when {@code tlsEngines} are given
 * @param tlsEngines              mutual TLS on these engines (e.g. {@code OpenSslTlsEngines}, BoringSSL's);
 *                                {@code null} for plaintext; given an {@code sslContext} alone, the JDK's
 *                                engines of that context
 * @param allowInsecure           permits plaintext on a non-loopback address (peers are then neither
 *                                authenticated nor encrypted)
 * @param maxChunkFloats          the longest float payload a frame may carry (and may be sent); longer
 *                                frames are refused before anything is read or allocated
 * @param maxBufferedFramesPerPeer how many received frames of one peer may wait for the caller; the
 *                                connection's reader stops reading (TCP back-pressure) beyond that, so
 *                                memory per peer is bounded by this times {@code 4 maxChunkFloats}
 * @param handshakeTimeout        how long an accepted connection may take for TLS and hello
 * @param maxPendingHandshakes    connections in their handshake at once; more are closed at once
 * @param peerSilenceTimeout      how long a peer of a formed world may send nothing at all (heartbeats
 *                                included, which every rank sends on a quiet connection) before it is
 *                                declared lost: a frozen process (SIGSTOP, a long GC pause) keeps its
 *                                connections open and is seen only this way
 */
public record WireOptions(
        InetSocketAddress bindAddress,
        @Nullable SSLContext sslContext,
        @Nullable TlsEngines tlsEngines,
        boolean allowInsecure,
        int maxChunkFloats,
        int maxBufferedFramesPerPeer,
        Duration handshakeTimeout,
        int maxPendingHandshakes,
        Duration peerSilenceTimeout) {

    /** 262,144 floats, 1 MiB on the wire: the collective's default chunk. */
    public static final int DEFAULT_MAX_CHUNK_FLOATS = 1 << 18;
    /** The property that turns on mutual TLS in the starter (named in the insecure-bind refusal). */
    public static final String SSL_BUNDLE_PROPERTY = "skrl.optim.adam.distributed.ssl.bundle";
    /** The property that permits plaintext off loopback in the starter (named in the insecure-bind refusal). */
    public static final String ALLOW_INSECURE_PROPERTY = "skrl.optim.adam.distributed.allow-insecure";

    /** The default silence bound: a frozen peer is lost after 10 s. */
    public static final Duration DEFAULT_PEER_SILENCE = Duration.ofSeconds(10);
    /** The shortest silence bound: heartbeats go out four times per bound, and a scheduler hiccup is not a freeze. */
    public static final Duration MIN_PEER_SILENCE = Duration.ofMillis(400);

    /** Largest chunk accepted: 64 MiB of floats per frame. */
    static final int MAX_CHUNK_FLOATS_LIMIT = 1 << 24;

    public WireOptions {
        Objects.requireNonNull(bindAddress, "bindAddress");
        if (tlsEngines == null && sslContext != null) {
            tlsEngines = TlsEngines.jdk(sslContext);
        } else if (sslContext != null && !tlsEngines.equals(TlsEngines.jdk(sslContext))) {
            throw new IllegalArgumentException("give either an sslContext or tlsEngines, not both: " + tlsEngines
                    .description() + " does not use the context given");
        }
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        if (maxChunkFloats < 1 || maxChunkFloats > MAX_CHUNK_FLOATS_LIMIT) {
            throw new IllegalArgumentException("maxChunkFloats must be in [1, " + MAX_CHUNK_FLOATS_LIMIT + "], was "
                    + maxChunkFloats);
        }
        if (maxBufferedFramesPerPeer < 1) {
            throw new IllegalArgumentException("maxBufferedFramesPerPeer must be >= 1, was "
                    + maxBufferedFramesPerPeer);
        }
        if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
            throw new IllegalArgumentException("handshakeTimeout must be positive, was " + handshakeTimeout);
        }
        if (maxPendingHandshakes < 1) {
            throw new IllegalArgumentException("maxPendingHandshakes must be >= 1, was " + maxPendingHandshakes);
        }
        Objects.requireNonNull(peerSilenceTimeout, "peerSilenceTimeout");
        if (peerSilenceTimeout.compareTo(MIN_PEER_SILENCE) < 0) {
            throw new IllegalArgumentException("peerSilenceTimeout must be at least " + MIN_PEER_SILENCE.toMillis()
                    + " ms, was " + peerSilenceTimeout);
        }
    }

    /** Whether connections use mutual TLS. */
    public boolean tls() {
        return tlsEngines != null;
    }

    /** Whether frames travel in heap buffers: with the JDK's TLS engines, whose ciphers work on arrays. */
    boolean heapBuffers() {
        return tlsEngines != null && !tlsEngines.directBuffers();
    }

    /**
     * A builder with the defaults: loopback, any port, plaintext, 1 MiB chunks, 64 buffered frames, 10 s
     * handshake, a peer silent for 10 s lost.
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link WireOptions}. */
    public static final class Builder {
        private InetSocketAddress bindAddress = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        private @Nullable SSLContext sslContext;
        private @Nullable TlsEngines tlsEngines;
        private boolean allowInsecure;
        private int maxChunkFloats = DEFAULT_MAX_CHUNK_FLOATS;
        private int maxBufferedFramesPerPeer = 64;
        private Duration handshakeTimeout = Duration.ofSeconds(10);
        private int maxPendingHandshakes = 16;
        private Duration peerSilenceTimeout = DEFAULT_PEER_SILENCE;

        private Builder() {
        }

        /** Where to listen; port 0 picks a free one. */
        public Builder bindAddress(InetSocketAddress bindAddress) {
            this.bindAddress = Objects.requireNonNull(bindAddress, "bindAddress");
            return this;
        }

        /**
         * Mutual TLS with this context on the JDK's engines (its key managers identify this rank, its trust
         * managers the peers); replaces any {@link #tlsEngines} given before.
         */
        public Builder sslContext(@Nullable SSLContext sslContext) {
            this.sslContext = sslContext;
            this.tlsEngines = null;
            return this;
        }

        /** Mutual TLS on these engines; replaces any {@link #sslContext} given before. */
        public Builder tlsEngines(@Nullable TlsEngines tlsEngines) {
            this.tlsEngines = tlsEngines;
            this.sslContext = null;
            return this;
        }

        /** Permit plaintext on a non-loopback address. */
        public Builder allowInsecure(boolean allowInsecure) {
            this.allowInsecure = allowInsecure;
            return this;
        }

        public Builder maxChunkFloats(int maxChunkFloats) {
            this.maxChunkFloats = maxChunkFloats;
            return this;
        }

        public Builder maxBufferedFramesPerPeer(int maxBufferedFramesPerPeer) {
            this.maxBufferedFramesPerPeer = maxBufferedFramesPerPeer;
            return this;
        }

        public Builder handshakeTimeout(Duration handshakeTimeout) {
            this.handshakeTimeout = Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
            return this;
        }

        public Builder maxPendingHandshakes(int maxPendingHandshakes) {
            this.maxPendingHandshakes = maxPendingHandshakes;
            return this;
        }

        /** How long a peer may send nothing, heartbeats included, before it is lost (at least 400 ms). */
        public Builder peerSilenceTimeout(Duration peerSilenceTimeout) {
            this.peerSilenceTimeout = Objects.requireNonNull(peerSilenceTimeout, "peerSilenceTimeout");
            return this;
        }

        public WireOptions build() {
            return new WireOptions(bindAddress, sslContext, tlsEngines, allowInsecure, maxChunkFloats,
                    maxBufferedFramesPerPeer, handshakeTimeout, maxPendingHandshakes, peerSilenceTimeout);
        }
    }
}
