package io.github.skrl4j.adam.spring.autoconfigure;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Positive;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;

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

    /** How long the start waits for the world's members. Positive. */
    @DurationMin(millis = 1)
    private Duration joinTimeout = Duration.ofSeconds(60);

    /**
     * How long one collective operation waits for the other replicas before failing; a replica that
     * left fails it at once. Positive.
     */
    @DurationMin(millis = 1)
    private Duration timeout = Duration.ofSeconds(30);

    /**
     * Values per chunk: the unit each replica reduces and of one message. Between 1 and 67108864.
     */
    @Positive
    @Max(1 << 26)
    private int chunkSize = 1 << 18;

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
}
