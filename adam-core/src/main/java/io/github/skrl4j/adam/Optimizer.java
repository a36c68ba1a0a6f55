package io.github.skrl4j.adam;

import io.github.skrl4j.adam.internal.checkpoint.OptimizerCheckpoint;
import io.github.skrl4j.adam.internal.kernel.StepCoefficients;
import io.github.skrl4j.adam.internal.kernel.StepPasses;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * An {@link Adam} bound to a model's parameter layout, with Optax's state (count, mu, nu and, for
 * AMSGrad, nu_max). {@code step} updates the parameters and the state in place and returns this
 * optimizer, so that skrl's {@code optimizer = optimizer.step(grad, policy)} reads the same here.
 *
 * <p>A step either happens completely or not at all: every check (names, shapes, finiteness, the
 * learning rate, the call matching {@link Adam#scale()}) runs before the first write. An optimizer
 * is for one thread at a time; a second thread entering {@code step} while one is inside gets an
 * {@link IllegalStateException}.
 *
 * <p>With {@code parallelism > 1} and a tensor above the parallel threshold, the optimizer owns
 * worker threads. {@link #close()} stops them at once; an optimizer that is dropped without closing
 * stops them when it is garbage-collected. A closed optimizer refuses further steps but still
 * reports its state and can be saved.
 */
public final class Optimizer implements AutoCloseable {

    private final Adam config;
    private final String name;
    private final String[] names;
    private final int[][] shapes;
    private final float[][] mu;
    private final float[][] nu;
    private final float @Nullable [][] nuMax;
    private final StepPasses passes;
    private final StepCoefficients coefficients = new StepCoefficients();
    private final StepEvent event;
    private final AtomicBoolean busy = new AtomicBoolean();
    private volatile boolean closed;

    // the current step's arrays, resolved by name; reused so that a step allocates nothing
    private final float[][] paramData;
    private final float[][] gradData;
    // what paramData and gradData were last resolved from (a training loop usually passes the same)
    private @Nullable Tensors boundParams;
    private @Nullable Tensors boundGrads;

    private volatile long count;
    private volatile double lastGradientNorm = Double.NaN;
    private volatile double lastLearningRate = Double.NaN;
    private volatile long skippedSteps;
    private volatile StepListener[] listeners;

    Optimizer(Adam config, Model model) {
        this(config, Objects.requireNonNull(model, "model").parameters(), null);
    }

    private Optimizer(Adam config, Tensors params, @Nullable OptimizerState state) {
        this.config = Objects.requireNonNull(config, "config");
        this.name = config.name();
        if (params.isEmpty()) {
            throw new IllegalArgumentException("optimizer '" + name + "': the model has no parameters");
        }
        int n = params.size();
        this.names = new String[n];
        this.shapes = new int[n][];
        this.mu = new float[n][];
        this.nu = new float[n][];
        this.nuMax = config.amsgrad() ? new float[n][] : null;
        for (int i = 0; i < n; i++) {
            Tensor p = params.get(i);
            names[i] = p.name();
            shapes[i] = p.shape();
            mu[i] = new float[p.size()];
            nu[i] = new float[p.size()];
            if (nuMax != null) {
                nuMax[i] = new float[p.size()];
            }
        }
        if (state != null) {
            copyState(state);
        }
        this.paramData = new float[n][];
        this.gradData = new float[n][];
        int[] sizes = new int[n];
        for (int i = 0; i < n; i++) {
            sizes[i] = mu[i].length;
        }
        this.passes = new StepPasses(this, name, sizes, config.parallelism(), config.parallelThreshold());
        this.event = new StepEvent(name);
        this.listeners = config.listeners().toArray(new StepListener[0]);
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

    private void copyState(OptimizerState state) {
        copyInto("mu", state.mu(), mu);
        copyInto("nu", state.nu(), nu);
        if (nuMax != null) {
            if (state.nuMax().isEmpty()) {
                throw new IllegalArgumentException("optimizer '" + name + "' uses AMSGrad but the state has no nuMax");
            }
            copyInto("nuMax", state.nuMax(), nuMax);
        } else if (!state.nuMax().isEmpty()) {
            throw new IllegalArgumentException("optimizer '" + name + "' does not use AMSGrad but the state has nuMax");
        }
        // checked on the copies, which nobody else can change meanwhile
        requireMoments("mu", mu, false);
        requireMoments("nu", nu, true);
        if (nuMax != null) {
            requireMoments("nuMax", nuMax, true);
        }
        count = state.count();
    }

    /**
     * Refuses moments no run of Adam can produce: NaN anywhere, and a negative second moment. (An
     * infinite one can arise, from a gradient whose square overflows a float, and is kept.)
     */
    private void requireMoments(String what, float[][] moments, boolean nonNegative) {
        for (int i = 0; i < moments.length; i++) {
            float[] m = moments[i];
            for (int j = 0; j < m.length; j++) {
                float x = m[j];
                if (Float.isNaN(x) || (nonNegative && x < 0)) {
                    throw new IllegalArgumentException("optimizer '" + name + "': state " + what + " '" + names[i]
                            + "' holds " + x + " at index " + j + "; " + what + " values are "
                            + (nonNegative ? ">= 0 and never NaN" : "never NaN"));
                }
            }
        }
    }

    private void copyInto(String what, Tensors source, float[][] target) {
        if (source.size() != names.length) {
            throw new IllegalArgumentException("optimizer '" + name + "': state " + what + " has tensors "
                    + source.names() + " but the model has " + Arrays.asList(names));
        }
        for (int i = 0; i < names.length; i++) {
            Tensor t = source.find(names[i]);
            if (t == null) {
                throw new IllegalArgumentException("optimizer '" + name + "': state " + what
                        + " has no tensor '" + names[i] + "'");
            }
            if (!t.hasShape(shapes[i])) {
                throw new IllegalArgumentException("optimizer '" + name + "': state " + what + " '" + names[i]
                        + "' has shape " + t.shapeString() + " but the parameter has " + Arrays.toString(shapes[i]));
            }
            System.arraycopy(t.data(), 0, target[i], 0, t.size());
        }
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
        if (!busy.compareAndSet(false, true)) {
            throw new IllegalStateException("optimizer '" + name + "' is being stepped by another thread;"
                    + " an optimizer is for one thread at a time");
        }
        try {
            if (closed) {
                throw new IllegalStateException("optimizer '" + name + "' is closed");
            }
            stepChecked(grad, model, givenLr, lrGiven);
        } catch (RuntimeException e) {
            throw rejected(e);
        } finally {
            busy.set(false);
        }
        // listeners run after the step took effect: an exception of theirs is not a rejected step
        for (StepListener l : listeners) {
            l.onStep(event);
        }
        return this;
    }

    /** The step itself, recorded in {@link #event}. Every check precedes the first write. */
    private void stepChecked(Tensors grad, Model model, double givenLr, boolean lrGiven) {
        double lr = lrGiven ? givenLr : scheduledLearningRate();
        bind(model.parameters(), grad);

        // clip_by_global_norm: the norm over all tensors, in double (float32 overflows near 1e19)
        // (chunked, so that the sum is the same for any parallelism)
        double sumOfSquares = passes.sumOfSquares(gradData);
        double norm = Math.sqrt(sumOfSquares);
        if (!Double.isFinite(norm)) {
            NonFiniteGradientException error = firstNonFinite();
            if (config.nonFinitePolicy() == NonFinitePolicy.SKIP) {
                lastGradientNorm = norm;
                skippedSteps++;
                event.set(count, norm, false, 0, true);
                return;
            }
            throw error;
        }
        double clip = config.gradNormClip();
        boolean clipped = clip > 0 && !(norm < clip);
        double clipFactor = clipped ? clip / norm : 1.0;

        // scale_by_adam (+ add_decayed_weights, scale_by_learning_rate), fused per tensor
        long newCount = count + 1;
        coefficients.set(config, newCount, clipFactor, lr);
        passes.update(paramData, gradData, mu, nu, nuMax, coefficients);
        count = newCount;
        lastGradientNorm = norm;
        lastLearningRate = lr;
        event.set(newCount, norm, clipped, lr, false);
    }

    private double scheduledLearningRate() {
        LearningRateSchedule schedule = config.learningRateSchedule();
        if (schedule == null) {
            return config.lr();
        }
        double lr = schedule.at(count);
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("optimizer '" + name + "': learning-rate schedule gave " + lr
                    + " at count " + count + "; it must be finite and >= 0");
        }
        return lr;
    }

    /** Resolves this step's arrays by name, checking that model and gradient match the layout. */
    private void bind(Tensors params, Tensors grad) {
        if (params == boundParams && grad == boundGrads) {
            // the same (immutable) collections as last step: same tensors, shapes and arrays
            return;
        }
        boundParams = null;
        boundGrads = null;
        if (params.size() != names.length) {
            throw new IllegalArgumentException(layoutMismatch("model parameters", params));
        }
        if (grad.size() != names.length) {
            throw new IllegalArgumentException(layoutMismatch("gradient", grad));
        }
        for (int i = 0; i < names.length; i++) {
            Tensor p = lookup(params, i);
            if (p == null) {
                throw new IllegalArgumentException(layoutMismatch("model parameters", params));
            }
            if (!p.hasShape(shapes[i])) {
                throw new IllegalArgumentException("optimizer '" + name + "': parameter '" + names[i] + "' has shape "
                        + p.shapeString() + " but the optimizer was initialised with " + Arrays.toString(shapes[i]));
            }
            Tensor g = lookup(grad, i);
            if (g == null) {
                throw new IllegalArgumentException(layoutMismatch("gradient", grad));
            }
            if (!g.hasShape(shapes[i])) {
                throw new IllegalArgumentException("optimizer '" + name + "': gradient '" + names[i] + "' has shape "
                        + g.shapeString() + " but parameter '" + names[i] + "' has shape " + Arrays.toString(shapes[i]));
            }
            paramData[i] = p.data();
            gradData[i] = g.data();
        }
        boundParams = params;
        boundGrads = grad;
    }

    /** The tensor named like slot {@code i}: by position when the order matches (the usual case), else by name. */
    private @Nullable Tensor lookup(Tensors tensors, int i) {
        Tensor t = tensors.get(i);
        return t.name().equals(names[i]) ? t : tensors.find(names[i]);
    }

    private String layoutMismatch(String what, Tensors tensors) {
        List<String> expected = Arrays.asList(names);
        List<String> missing = new ArrayList<>();
        for (String n : expected) {
            if (!tensors.contains(n)) {
                missing.add(n);
            }
        }
        List<String> unknown = new ArrayList<>();
        for (Tensor t : tensors) {
            if (!expected.contains(t.name())) {
                unknown.add(t.name());
            }
        }
        StringBuilder sb = new StringBuilder("optimizer '").append(name).append("': ").append(what)
                .append(" do not match the parameters it was initialised with");
        if (!missing.isEmpty()) {
            sb.append("; missing ").append(quoted(missing));
        }
        if (!unknown.isEmpty()) {
            sb.append("; unknown ").append(quoted(unknown));
        }
        return sb.append(" (expected ").append(quoted(expected)).append(')').toString();
    }

    private static String quoted(List<String> names) {
        StringBuilder sb = new StringBuilder();
        for (String n : names) {
            sb.append(sb.length() == 0 ? "'" : ", '").append(n).append('\'');
        }
        return sb.toString();
    }

    private NonFiniteGradientException firstNonFinite() {
        for (int i = 0; i < names.length; i++) {
            float[] g = gradData[i];
            for (int j = 0; j < g.length; j++) {
                if (!Float.isFinite(g[j])) {
                    return new NonFiniteGradientException(name, names[i], j, g[j]);
                }
            }
        }
        // finite floats whose squares overflow a double cannot exist (max float^2 ~ 1.2e77)
        throw new AssertionError("non-finite gradient norm without a non-finite gradient value");
    }

    /**
     * Stops the worker threads, after a step in progress on another thread has finished; later
     * steps are refused with an {@link IllegalStateException}. Listeners then hear
     * {@link StepListener#onClosed(Optimizer)}. Closing twice does nothing.
     */
    @Override
    public void close() {
        while (!busy.compareAndSet(false, true)) {
            Thread.onSpinWait();
        }
        boolean closing = !closed;
        try {
            if (closing) {
                closed = true;
                passes.close();
            }
        } finally {
            busy.set(false);
        }
        if (closing) {
            for (StepListener l : listeners) {
                l.onClosed(this);
            }
        }
    }

    /** True after {@link #close()}. */
    public boolean isClosed() {
        return closed;
    }

    private RuntimeException rejected(RuntimeException error) {
        for (StepListener l : listeners) {
            l.onRejected(name, count, error);
        }
        return error;
    }

    /** Adds a listener that hears every later step. */
    public Optimizer addListener(StepListener listener) {
        Objects.requireNonNull(listener, "listener");
        synchronized (busy) {
            StepListener[] next = Arrays.copyOf(listeners, listeners.length + 1);
            next[listeners.length] = listener;
            listeners = next;
        }
        return this;
    }

    /** Removes a listener (the first one equal to it); returns true when one was removed. */
    public boolean removeListener(StepListener listener) {
        synchronized (busy) {
            StepListener[] current = listeners;
            for (int i = 0; i < current.length; i++) {
                if (current[i].equals(listener)) {
                    StepListener[] next = new StepListener[current.length - 1];
                    System.arraycopy(current, 0, next, 0, i);
                    System.arraycopy(current, i + 1, next, i, current.length - i - 1);
                    listeners = next;
                    return true;
                }
            }
            return false;
        }
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

    /** Names of the parameters, in the order the global norm sums them. */
    public List<String> parameterNames() {
        return List.of(names);
    }

    /**
     * A deep copy of the state.
     *
     * @throws IllegalStateException if another thread is stepping
     */
    public OptimizerState state() {
        if (!busy.compareAndSet(false, true)) {
            throw new IllegalStateException("optimizer '" + name + "' is being stepped by another thread");
        }
        try {
            return OptimizerState.of(count, copies(mu), copies(nu), nuMax == null ? Tensors.empty() : copies(nuMax));
        } finally {
            busy.set(false);
        }
    }

    private Tensors copies(float[][] arrays) {
        List<Tensor> list = new ArrayList<>(names.length);
        for (int i = 0; i < names.length; i++) {
            list.add(Tensor.of(names[i], arrays[i].clone(), shapes[i]));
        }
        return Tensors.of(list);
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
     * @throws CheckpointException      naming the file if it cannot be written
     * @throws IllegalStateException    if another thread is stepping
     */
    public void save(Path file) {
        Objects.requireNonNull(file, "file");
        OptimizerCheckpoint.save(this, file);
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
        return OptimizerCheckpoint.load(file, model, null);
    }

    /**
     * Like {@link #load(Path, Model)}, with the saved settings passed through {@code settings} first:
     * the way to give back what a file cannot hold, a learning-rate schedule and listeners
     * ({@code b -> b.lr(schedule).listener(metrics)}), and to tune how steps run on this machine.
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
        return OptimizerCheckpoint.load(file, model, settings);
    }

    @Override
    public String toString() {
        return "Optimizer[" + name + " count=" + count + " " + config + "]";
    }
}
