package io.github.skrl4j.adam;

/**
 * What one step did. The optimizer reuses one instance per optimizer, so that a step allocates
 * nothing; {@link #snapshot()} gives a copy to keep beyond {@link StepListener#onStep}.
 */
public final class StepEvent {

    private final String optimizerName;
    private long count;
    private double gradientNorm;
    private boolean clipped;
    private double learningRate;
    private boolean skipped;
    private long durationNanos = -1;

    StepEvent(String optimizerName) {
        this.optimizerName = optimizerName;
    }

    private StepEvent(StepEvent other) {
        this(other.optimizerName);
        set(other.count, other.gradientNorm, other.clipped, other.learningRate, other.skipped);
        this.durationNanos = other.durationNanos;
    }

    void set(long count, double gradientNorm, boolean clipped, double learningRate, boolean skipped) {
        this.count = count;
        this.gradientNorm = gradientNorm;
        this.clipped = clipped;
        this.learningRate = learningRate;
        this.skipped = skipped;
    }

    void setDurationNanos(long durationNanos) {
        this.durationNanos = durationNanos;
    }

    /** The optimizer's {@link Adam#name()}. */
    public String optimizerName() {
        return optimizerName;
    }

    /** The optimizer's count after the step (unchanged by a skipped step). */
    public long count() {
        return count;
    }

    /**
     * Global L2 norm of the gradient before clipping, accumulated in double. NaN or infinite for a
     * skipped step.
     */
    public double gradientNorm() {
        return gradientNorm;
    }

    /** True when global-norm clipping scaled the gradient down. */
    public boolean clipped() {
        return clipped;
    }

    /** The learning rate the update was multiplied by; 0 for a skipped step, which applied nothing. */
    public double learningRate() {
        return learningRate;
    }

    /** True when a non-finite gradient made the step a no-op under {@link NonFinitePolicy#SKIP}. */
    public boolean skipped() {
        return skipped;
    }

    /**
     * The step's wall time in nanoseconds ({@link System#nanoTime()}), from entering the step (a wait
     * for another thread's read of the state included) to the end of its writes, the listeners not
     * included; -1 unless the optimizer {@linkplain Adam#measuresStepDuration() measures it}.
     */
    public long durationNanos() {
        return durationNanos;
    }

    /** An independent copy of this event, safe to keep. */
    public StepEvent snapshot() {
        return new StepEvent(this);
    }

    @Override
    public String toString() {
        return "StepEvent[" + optimizerName + " count=" + count + " gradientNorm=" + gradientNorm
                + " clipped=" + clipped + " learningRate=" + learningRate + " skipped=" + skipped
                + " durationNanos=" + durationNanos + "]";
    }
}
