package io.github.skrl4j.adam.spring.autoconfigure;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.jspecify.annotations.Nullable;

/**
 * The {@code skrl.optim.adam.distributed.*} settings: data-parallel training across the members of
 * the application's Hazelcast cluster.
 */
public class DistributedProperties {

    /**
     * Whether to form a collective (broadcast, all-reduce, divergence check) on the application's
     * HazelcastInstance. Needs io.github.skrl4j:adam-hazelcast and Hazelcast on the class path.
     */
    private boolean enabled = false;

    /**
     * Name of the training run: the members of one world must use the same. Not blank.
     */
    @NotBlank
    private String run = "skrl4j";

    /**
     * Number of replicas (Hazelcast members) in the world, fixed for the run: the start waits until
     * the cluster has exactly this many members. At least 1.
     */
    @Positive
    private int worldSize = 1;

    /**
     * This replica's rank, the same in every world it forms (so seeds and the checkpoint writer follow the
     * replica across restarts): from 0 to world-size - 1, each replica its own; every replica sets it or none
     * does (a world where only some do, or two claim one rank, does not form). Unset: ranks follow the order
     * in which the replicas joined the cluster, and may change when the world re-forms.
     */
    @PositiveOrZero
    private @Nullable Integer rank;

    /**
     * How long the first world may take to form: every replica must have joined by then. The context
     * starts meanwhile (health reports the world forming); the application's first collective operation
     * waits for it. Positive.
     */
    @DurationMin(millis = 1)
    private Duration joinTimeout = Duration.ofSeconds(60);

    /**
     * How long a replica of a formed world may send nothing on the data plane (every replica sends
     * heartbeats on a quiet connection) before the others declare it lost and the world re-forms: how a
     * frozen replica (SIGSTOP, a long GC pause, a stuck host) is seen. At least 2 s.
     */
    @DurationMin(seconds = 2)
    private Duration failureDetection = Duration.ofSeconds(10);

    /**
     * How long Hazelcast keeps a silent member before it removes it from the cluster
     * (hazelcast.max.no.heartbeat.seconds, rounded up to whole seconds, unless the Hazelcast configuration
     * or a system property sets that). Longer than failure-detection: a frozen replica that continues within
     * this is still a member and rejoins its world at once; one frozen longer is removed and comes back
     * through Hazelcast's split-brain merge, seconds later; a replacement for a host that vanished without
     * closing its connections waits this long for the old member to go. Under Hazelcast's 60 s operation
     * timeout, so that the others' cluster operations waiting for a frozen member are moved to the
     * survivors when it is removed rather than failing.
     */
    @DurationMin(seconds = 2)
    private Duration memberRemoval = Duration.ofSeconds(45);

    /**
     * How long one collective operation waits for the other replicas before failing; a replica that
     * left fails it at once. Positive.
     */
    @DurationMin(millis = 1)
    private Duration timeout = Duration.ofSeconds(30);

    /**
     * Values per chunk: the unit each replica reduces and of one data-plane frame. Between 1 and 16777216.
     */
    @Positive
    @Max(1 << 24)
    private int chunkSize = 1 << 18;

    /**
     * Whether the data plane may listen on a non-loopback address without TLS (no ssl.bundle): peers
     * are then neither authenticated nor encrypted, so only on a private, trusted network. Without it
     * such a start fails; with it the start logs one warning.
     */
    private boolean allowInsecure = false;

    /** How the world re-forms after it broke (a replica lost, frozen or failing). */
    @Valid
    private final Restart restart = new Restart();

    /** Mutual TLS for the data plane that carries the gradients between the replicas. */
    @Valid
    private final Ssl ssl = new Ssl();

    /** Where this replica's data plane listens for the other replicas' connections. */
    @Valid
    private final DataPlane dataPlane = new DataPlane();

    /** The {@code restart.*} settings. */
    public static class Restart {

        /**
         * How many times the world may re-form within the window; 0 disables re-forming (the first failure
         * breaks the world for good). At least 0.
         */
        @PositiveOrZero
        private int maxRestarts = 3;

        /**
         * The sliding window max-restarts counts in: a long run survives occasional failures, a replica
         * failing in a loop does not. Positive.
         */
        @DurationMin(millis = 1)
        private Duration window = Duration.ofMinutes(30);

        /**
         * How long the live replicas wait for the world to be whole again (the lost replica restarted, the
         * frozen one continued) before the world breaks for good; a replica that gave up (its own run failed:
         * DistributedTraining.giveUp) is not waited for. Positive.
         */
        @DurationMin(millis = 1)
        private Duration timeout = Duration.ofMinutes(5);

        public int getMaxRestarts() {
            return maxRestarts;
        }

        public void setMaxRestarts(int maxRestarts) {
            this.maxRestarts = maxRestarts;
        }

        public Duration getWindow() {
            return window;
        }

        public void setWindow(Duration window) {
            this.window = window;
        }

        public Duration getTimeout() {
            return timeout;
        }

        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }
    }

    /** The {@code ssl.*} settings. */
    public static class Ssl {

        /**
         * Name of a Spring Boot SSL bundle (spring.ssl.bundle.*) that makes the data plane mutual TLS:
         * its key identifies this replica, its trust material decides which replicas may connect (a peer
         * without a certificate it trusts can neither send nor receive). The TLS runs on BoringSSL's
         * native engine when io.netty:netty-tcnative-boringssl-static is on the class path, else on
         * the JDK's (with a warning). Unset: plaintext.
         */
        private @Nullable String bundle;

        public @Nullable String getBundle() {
            return bundle;
        }

        public void setBundle(@Nullable String bundle) {
            this.bundle = bundle;
        }
    }

    /** The {@code data-plane.*} settings. */
    public static class DataPlane {

        /**
         * Address the data plane binds to. Loopback by default (replicas on one machine); a
         * non-loopback address (or 0.0.0.0, then the replica's Hazelcast address is published) needs
         * ssl.bundle or allow-insecure=true.
         */
        @NotBlank
        private String address = "127.0.0.1";

        /** Port the data plane binds to; 0 picks a free one (the replicas exchange it through Hazelcast). */
        @PositiveOrZero
        @Max(65535)
        private int port = 0;

        public String getAddress() {
            return address;
        }

        public void setAddress(String address) {
            this.address = address;
        }

        public int getPort() {
            return port;
        }

        public void setPort(int port) {
            this.port = port;
        }
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getRun() {
        return run;
    }

    public void setRun(String run) {
        this.run = run;
    }

    public int getWorldSize() {
        return worldSize;
    }

    public void setWorldSize(int worldSize) {
        this.worldSize = worldSize;
    }

    public @Nullable Integer getRank() {
        return rank;
    }

    public void setRank(@Nullable Integer rank) {
        this.rank = rank;
    }

    public Duration getFailureDetection() {
        return failureDetection;
    }

    public void setFailureDetection(Duration failureDetection) {
        this.failureDetection = failureDetection;
    }

    public Duration getMemberRemoval() {
        return memberRemoval;
    }

    public void setMemberRemoval(Duration memberRemoval) {
        this.memberRemoval = memberRemoval;
    }

    public Restart getRestart() {
        return restart;
    }

    public Duration getJoinTimeout() {
        return joinTimeout;
    }

    public void setJoinTimeout(Duration joinTimeout) {
        this.joinTimeout = joinTimeout;
    }

    public Duration getTimeout() {
        return timeout;
    }

    public void setTimeout(Duration timeout) {
        this.timeout = timeout;
    }

    public int getChunkSize() {
        return chunkSize;
    }

    public void setChunkSize(int chunkSize) {
        this.chunkSize = chunkSize;
    }

    public boolean isAllowInsecure() {
        return allowInsecure;
    }

    public void setAllowInsecure(boolean allowInsecure) {
        this.allowInsecure = allowInsecure;
    }

    public Ssl getSsl() {
        return ssl;
    }

    public DataPlane getDataPlane() {
        return dataPlane;
    }
}
