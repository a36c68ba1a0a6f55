package io.github.skrl4j.adam;

import io.github.skrl4j.adam.internal.pipeline.AdamMoments;
import io.github.skrl4j.adam.internal.pipeline.AdamPipeline;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * An {@link Adam} bound to a model's parameter layout, with Optax's state (count, mu, nu and, for
 * AMSGrad, nu_max). {@code step} updates the parameters and the state in place and returns this
 * optimizer, so that skrl's {@code optimizer = optimizer.step(grad, policy)} reads the same here.
 *
 * <p>A step either happens completely or not at all: every check (names, shapes, finiteness, the
 * learning rate, the call matching {@link Adam#scale()}) runs before the first write.
 *
 * <p>Threads: an optimizer is stepped by one thread at a time; a second thread entering
 * {@code step} while one is inside gets an {@link IllegalStateException} (two trainers on one
 * optimizer are a bug, and waiting would hide it). Every other thread may read at any time:
 * {@link #state()} and {@link #save(Path)} wait for a step in progress and see the state between
 * two steps, never a torn one, and a reader never makes a step fail (the step waits for the
 * reader's copy instead). {@code save} holds nothing while it writes the file. Listeners run on
 * the stepping thread after the step, so a listener may read or save the optimizer.
 *
 * <p>With {@code parallelism > 1} and a tensor above the parallel threshold, the optimizer owns
 * worker threads. {@link #close()} stops them at once; an optimizer that is dropped without closing
 * stops them when it is garbage-collected. A closed optimizer refuses further steps but still
 * reports its state and can be saved.
 */
public final class Optimizer implements AutoCloseable {

    private final Adam config;
    private final AdamSettings settings;
    private final String name;
    private final ParameterLayout layout;
    private final AdamMoments moments;
    private final AdamPipeline pipeline;
    private final StepEvent event;
    private final boolean measureStepDuration;
    /** Whether the start warmed up ({@link WarmUp#atStart(long)} for this model), for {@link #stepKernel()}. */
    private final boolean warmedUpAtStart;
    /** Held by the one thread inside {@code step}: a second stepper is refused, not queued. */
    private final AtomicBoolean stepping = new AtomicBoolean();
    /** Guards the moments and the count: a step holds it throughout, readers while they copy. */
    private final ReentrantLock stateLock = new ReentrantLock();
    private volatile boolean closed;

    private volatile long count;
    private volatile double lastGradientNorm = Double.NaN;
    private volatile double lastLearningRate = Double.NaN;
    private volatile long skippedSteps;
    private final StepListeners listeners;

    Optimizer(Adam config, Model model) {
        this(config, Objects.requireNonNull(model, "model").parameters(), null);
    }

    private Optimizer(Adam config, Tensors params, @Nullable OptimizerState state) {
        this.config = Objects.requireNonNull(config, "config");
        this.settings = config.settings();
        this.name = config.name();
        this.layout = new ParameterLayout(name, params);
        this.moments = new AdamMoments(layout.sizes(), settings.amsgrad());
        if (state != null) {
            layout.restore(state, moments);
            count = state.count();
        }
        this.warmedUpAtStart = config.warmUp().atStart(parameterCount(layout.sizes()));
        this.pipeline = new AdamPipeline(settings, this, name, layout.sizes(), config.parallelism(),
                config.parallelThreshold(), warmedUpAtStart);
        this.event = new StepEvent(name);
        this.measureStepDuration = config.measuresStepDuration();
        this.listeners = new StepListeners(config.listeners());
    }

    /**
     * An optimizer that continues from {@code state}, as if it had taken the steps that led there.
     *
     * @throws IllegalArgumentException if the state's tensors do not match the model's parameters
     *                                  by name and shape, it lacks (or has) AMSGrad's nuMax where the
     *                                  settings need it (or not), or it holds a NaN moment or a
     *                                  negative second moment
     */
    public static Optimizer restore(Adam config, Model model, OptimizerState state) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(state, "state");
        return new Optimizer(config, model.parameters(), state);
    }

    /**
     * One step with the optimizer's own learning rate (settings with {@code scale = true}).
     *
     * @param grad  gradients named and shaped like the model's parameters
     * @param model the model whose parameters are updated in place
     * @return this optimizer
     * @throws IllegalStateException    if the settings have {@code scale = false} (use
     *                                  {@link #step(Tensors, Model, double)}), or another thread is stepping
     * @throws IllegalArgumentException if the gradient does not match the parameters
     * @throws NonFiniteGradientException if a gradient value is NaN or infinite under {@link NonFinitePolicy#ERROR}
     */
    public Optimizer step(Tensors grad, Model model) {
        if (!config.scale()) {
            throw rejected(new IllegalStateException("optimizer '" + name + "' has scale = false, so every step"
                    + " needs its learning rate: call step(grad, model, lr)"));
        }
        return step(grad, model, Double.NaN, false);
    }

    /**
     * One step with the given learning rate (settings with {@code scale = false}, as skrl's agents
     * use with a learning-rate scheduler).
     *
     * @param lr finite and {@code >= 0}
     * @return this optimizer
     * @throws IllegalStateException    if the settings have {@code scale = true} (use
     *                                  {@link #step(Tensors, Model)}; skrl would ascend the loss here)
     * @throws IllegalArgumentException if {@code lr} is NaN, infinite or negative, or the gradient
     *                                  does not match the parameters
     */
    public Optimizer step(Tensors grad, Model model, double lr) {
        if (config.scale()) {
            throw rejected(new IllegalStateException("optimizer '" + name + "' has scale = true and applies its own"
                    + " learning rate: call step(grad, model) (skrl would ascend the loss with this call)"));
        }
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw rejected(new IllegalArgumentException("optimizer '" + name + "': step lr must be finite and >= 0,"
                    + " was " + lr));
        }
        return step(grad, model, lr, true);
    }

    private Optimizer step(Tensors grad, Model model, double givenLr, boolean lrGiven) {
        Objects.requireNonNull(grad, "grad");
        Objects.requireNonNull(model, "model");
        if (!stepping.compareAndSet(false, true)) {
            throw rejected(new IllegalStateException("optimizer '" + name + "' is being stepped by another thread;"
                    + " an optimizer is for one thread at a time"));
        }
        RuntimeException refusal = null;
        long started = measureStepDuration ? System.nanoTime() : 0L;
        stateLock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("optimizer '" + name + "' is closed");
            }
            applyStep(grad, model, givenLr, lrGiven);
            if (measureStepDuration) {
                event.setDurationNanos(System.nanoTime() - started);
            }
        } catch (RuntimeException e) {
            refusal = e;
        } finally {
            stateLock.unlock();
            stepping.set(false);
        }
        if (refusal != null) {
            throw rejected(refusal);
        }
        // listeners run after the step took effect: an exception of theirs is not a rejected step
        listeners.stepped(event);
        return this;
    }

    /** The step itself, recorded in {@link #event}: Optax's pipeline, every check before the first write. */
    private void applyStep(Tensors grad, Model model, double givenLr, boolean lrGiven) {
        double lr = lrGiven ? givenLr : scheduledLearningRate();
        layout.bind(model.parameters(), grad);
        double norm = pipeline.globalNorm(layout.grads());
        if (!Double.isFinite(norm)) {
            NonFiniteGradientException error = layout.firstNonFinite();
            if (settings.nonFinite() != NonFinitePolicy.SKIP) {
                throw error;
            }
            lastGradientNorm = norm;
            skippedSteps++;
            event.set(count, norm, false, 0, true);
            return;
        }
        boolean clipped = AdamPipeline.clips(norm, settings.gradNormClip());
        double clipFactor = AdamPipeline.clipFactor(norm, settings.gradNormClip());
        long newCount = count + 1;
        pipeline.applyScaledAdamUpdate(layout.params(), layout.grads(), moments, newCount, clipFactor, lr);
        count = newCount;
        lastGradientNorm = norm;
        lastLearningRate = lr;
        event.set(newCount, norm, clipped, lr, false);
    }

    private double scheduledLearningRate() {
        LearningRateSchedule schedule = settings.lrSchedule();
        if (schedule == null) {
            return settings.lr();
        }
        double lr = schedule.at(count);
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("optimizer '" + name + "': learning-rate schedule gave " + lr
                    + " at count " + count + "; it must be finite and >= 0");
        }
        return lr;
    }

    /**
     * Stops the worker threads, after a step in progress on another thread has finished; later
     * steps are refused with an {@link IllegalStateException}. Listeners then hear
     * {@link StepListener#onClosed(Optimizer)}. Closing twice does nothing.
     */
    @Override
    public void close() {
        boolean closing;
        stateLock.lock();
        try {
            closing = !closed;
            if (closing) {
                closed = true;
                pipeline.close();
            }
        } finally {
            stateLock.unlock();
        }
        if (closing) {
            listeners.closed(this);
        }
    }

    /** True after {@link #close()}. */
    public boolean isClosed() {
        return closed;
    }

    private RuntimeException rejected(RuntimeException error) {
        listeners.rejected(name, count, error);
        return error;
    }

    /** Adds a listener that hears every later step. */
    public Optimizer addListener(StepListener listener) {
        listeners.add(listener);
        return this;
    }

    /** Removes a listener (the first one equal to it); returns true when one was removed. */
    public boolean removeListener(StepListener listener) {
        return listeners.remove(listener);
    }

    /** For {@link OptimizerFiles}, which reports saves and loads to them. */
    StepListeners listeners() {
        return listeners;
    }

    /** Steps taken (Optax's {@code count}); skipped and refused steps do not count. */
    public long count() {
        return count;
    }

    /** The settings. */
    public Adam config() {
        return config;
    }

    /** The settings' {@link Adam#name()}. */
    public String name() {
        return name;
    }

    /** Global gradient norm (before clipping) of the last applied or skipped step; NaN before any. */
    public double lastGradientNorm() {
        return lastGradientNorm;
    }

    /** Learning rate of the last applied step; NaN before any. */
    public double lastLearningRate() {
        return lastLearningRate;
    }

    /** Steps skipped for a non-finite gradient under {@link NonFinitePolicy#SKIP}. */
    public long skippedSteps() {
        return skippedSteps;
    }

    /**
     * The kernel this optimizer's steps run now, whether that is still to change, and whether its start
     * warmed up. {@link Kernels#active()} is the kernel this JVM offers; a step's update loop runs the
     * vector kernel only once a warm-up compiled that loop, this optimizer's start's or that of another
     * optimizer of the JVM whose settings run the same loop (AMSGrad, Nesterov, weight decay and
     * {@code epsRoot} choose it). So a small model under the default {@link WarmUp#AUTOMATIC} reports the
     * portable kernel while {@link Kernels#active()} names the vector one; {@link WarmUp#AT_START} gives it
     * the vector kernel. Results are the same bits on either.
     *
     * <p>Costs the caller two volatile reads and the small record, and the steps nothing: for reports
     * (Actuator, dashboards), at any time and from any thread, also after {@link #close()}.
     *
     * @return the kernel, whether a warm-up will move the steps to the vector kernel, and whether the start warmed up
     */
    public Kernels.StepKernel stepKernel() {
        return Kernels.stepKernel(settings, warmedUpAtStart);
    }

    /** Names of the parameters, in the order the global norm sums them. */
    public List<String> parameterNames() {
        return layout.names();
    }

    /**
     * A deep copy of the state: count and moments as they stand between two steps. Called while
     * another thread steps, it waits for that step to finish.
     */
    public OptimizerState state() {
        stateLock.lock();
        try {
            return layout.snapshot(count, moments);
        } finally {
            stateLock.unlock();
        }
    }

    /**
     * Writes this optimizer to a safetensors file: its settings, count, mu, nu (and AMSGrad's
     * nu_max), with a checksum. The write is atomic: the file is written beside the target, forced to
     * the disk and renamed over it, so a crash leaves the previous checkpoint intact. A learning-rate
     * schedule and listeners are not written (they are code); skipped-step counts are not either.
     *
     * <p>The file holds tensors {@code mu/<name>}, {@code nu/<name>} and {@code nu_max/<name>}, which
     * {@code safetensors.numpy.load_file} reads in Python.
     *
     * <p>Called while another thread steps, it waits for that step and saves the state after it;
     * the file is written from a copy, so steps go on while it is written.
     *
     * <p>Listeners then hear {@link StepListener#onCheckpoint}, also when the write failed (before
     * the exception is thrown; an exception of a listener's is then added to it as suppressed).
     *
     * @throws CheckpointException naming the file if it cannot be written
     */
    public void save(Path file) {
        Objects.requireNonNull(file, "file");
        OptimizerFiles.save(this, file);
    }

    /**
     * Loads an optimizer saved by {@link #save(Path)}, for {@code model}: its next steps are bit for
     * bit those the saved optimizer would have taken. The settings are the saved ones, without
     * listeners, and settings that do not change results (how a step is run, not what it computes)
     * take their defaults on this machine. A file saved with a learning-rate schedule is refused
     * here: use {@link #loadWith(Path, Model, UnaryOperator)} to supply the schedule.
     *
     * @throws CheckpointException naming the file and the problem if it is missing, unreadable,
     *                             corrupt (the checksum covers settings, count and data), of a newer
     *                             format version, or does not fit the model's parameters; nothing
     *                             is loaded then
     */
    public static Optimizer load(Path file, Model model) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(model, "model");
        return OptimizerFiles.load(file, model, null);
    }

    /**
     * Like {@link #load(Path, Model)}, with the saved settings passed through {@code settings} first:
     * the way to give back what a file cannot hold, a learning-rate schedule and listeners
     * ({@code b -> b.lr(schedule).listener(metrics)}), and to tune how steps run on this machine.
     * Listeners given here hear the load as {@link StepListener#onCheckpoint} before this returns; a
     * load that fails makes no optimizer, so no listener hears it (time it around this call).
     * Changing the Adam settings themselves breaks the bit-for-bit continuation, and changing
     * {@code amsgrad} makes the file not fit.
     *
     * @param settings receives a builder holding the saved settings and returns the builder to build
     * @throws CheckpointException      as {@link #load(Path, Model)}
     * @throws IllegalArgumentException if the customised settings are invalid
     */
    public static Optimizer loadWith(Path file, Model model, UnaryOperator<Adam.Builder> settings) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(settings, "settings");
        return OptimizerFiles.load(file, model, settings);
    }

    /** The model's parameters: the sum of its tensors' sizes. */
    private static long parameterCount(int[] sizes) {
        long total = 0;
        for (int size : sizes) {
            total += size;
        }
        return total;
    }

    @Override
    public String toString() {
        return "Optimizer[" + name + " count=" + count + " " + config + "]";
    }
}
