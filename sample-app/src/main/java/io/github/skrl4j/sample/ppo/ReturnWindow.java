package io.github.skrl4j.sample.ppo;

/**
 * The returns of the most recent episodes (100 for Gymnasium's "solved"), with their mean.
 */
public final class ReturnWindow {

    private final float[] returns;
    private int count;
    private int next;

    /** A window over the last {@code size} episodes. */
    public ReturnWindow(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("return window size must be >= 1, was " + size);
        }
        this.returns = new float[size];
    }

    /** Adds an episode's return, dropping the oldest when full. */
    public void add(double episodeReturn) {
        returns[next] = (float) episodeReturn;
        next = (next + 1) % returns.length;
        count = Math.min(count + 1, returns.length);
    }

    /** Mean of the returns held; 0 when empty. */
    public double mean() {
        if (count == 0) {
            return 0;
        }
        double sum = 0;
        for (int i = 0; i < count; i++) {
            sum += returns[i];
        }
        return sum / count;
    }

    /** True once {@link #size()} episodes have been seen. */
    public boolean isFull() {
        return count == returns.length;
    }

    /** Returns held. */
    public int count() {
        return count;
    }

    /** Capacity. */
    public int size() {
        return returns.length;
    }

    /** The returns held, oldest first. */
    public float[] toArray() {
        float[] out = new float[count];
        int start = count < returns.length ? 0 : next;
        for (int i = 0; i < count; i++) {
            out[i] = returns[(start + i) % returns.length];
        }
        return out;
    }
}
