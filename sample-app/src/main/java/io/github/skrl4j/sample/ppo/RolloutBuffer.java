package io.github.skrl4j.sample.ppo;

/**
 * The steps collected between two updates (skrl's memory with {@code memory_size = rollouts} and one
 * environment): what was seen, done and predicted at collection time, and after
 * {@link Gae#compute} the returns and normalised advantages.
 */
public final class RolloutBuffer {

    private final int capacity;
    private final int observationSize;
    final float[] states;
    final int[] actions;
    final float[] rewards;
    final boolean[] terminated;
    final boolean[] truncated;
    final float[] logProbs;
    final float[] values;
    final float[] returns;
    final float[] advantages;
    private int size;

    /** Room for {@code capacity} steps of observations with {@code observationSize} values. */
    public RolloutBuffer(int capacity, int observationSize) {
        if (capacity < 1 || observationSize < 1) {
            throw new IllegalArgumentException("rollout buffer needs capacity and observation size >= 1, were "
                    + capacity + " and " + observationSize);
        }
        this.capacity = capacity;
        this.observationSize = observationSize;
        this.states = new float[capacity * observationSize];
        this.actions = new int[capacity];
        this.rewards = new float[capacity];
        this.terminated = new boolean[capacity];
        this.truncated = new boolean[capacity];
        this.logProbs = new float[capacity];
        this.values = new float[capacity];
        this.returns = new float[capacity];
        this.advantages = new float[capacity];
    }

    /** Records one transition; the reward is the one to learn from (after any bootstrapping). */
    public void add(float[] state, int action, float reward, boolean isTerminated, boolean isTruncated,
            double logProb, double value) {
        if (size == capacity) {
            throw new IllegalStateException("rollout buffer is full (" + capacity + " steps); clear it first");
        }
        System.arraycopy(state, 0, states, size * observationSize, observationSize);
        actions[size] = action;
        rewards[size] = reward;
        terminated[size] = isTerminated;
        truncated[size] = isTruncated;
        logProbs[size] = (float) logProb;
        values[size] = (float) value;
        size++;
    }

    /** Empties the buffer for the next rollout. */
    public void clear() {
        size = 0;
    }

    /** Steps recorded. */
    public int size() {
        return size;
    }

    /** True when no more steps fit. */
    public boolean isFull() {
        return size == capacity;
    }

    /** Steps that fit. */
    public int capacity() {
        return capacity;
    }

    /** Values per observation. */
    public int observationSize() {
        return observationSize;
    }

    /** The return of step {@code i} (after {@link Gae#compute}). */
    public float returnAt(int i) {
        return returns[i];
    }

    /** The normalised advantage of step {@code i} (after {@link Gae#compute}). */
    public float advantageAt(int i) {
        return advantages[i];
    }
}
