package io.github.skrl4j.adam;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The settings of skrl's JAX Adam: an immutable value from which {@link #init(Model)} makes
 * {@link Optimizer}s.
 *
 * <p>One step is the Optax chain that skrl builds, in this order:
 * <ol>
 *   <li>{@code clip_by_global_norm(gradNormClip)}, when {@code gradNormClip > 0};</li>
 *   <li>{@code scale_by_adam(b1, b2, eps, epsRoot, nesterov)}, or {@code scale_by_amsgrad} when
 *       {@code amsgrad};</li>
 *   <li>{@code add_decayed_weights(weightDecay)} (Optax's {@code adamw} order);</li>
 *   <li>{@code scale_by_learning_rate(lr)}: the fixed {@code lr} (or the {@link LearningRateSchedule})
 *       when {@code scale}, otherwise the lr given to each {@code step} call.</li>
 * </ol>
 *
 * <p>Defaults are skrl's and Optax's: lr 1e-3, gradNormClip 0 (off), scale true, b1 0.9, b2 0.999,
 * eps 1e-8, epsRoot 0, weightDecay 0, no AMSGrad, no Nesterov.
 */
public final class Adam {

    /** The default {@link #name()} of an optimizer. */
    public static final String DEFAULT_NAME = "adam";

    private final String name;
    private final double lr;
    private final @Nullable LearningRateSchedule learningRateSchedule;
    private final double gradNormClip;
    private final boolean scale;
    private final double b1;
    private final double b2;
    private final double eps;
    private final double epsRoot;
    private final double weightDecay;
    private final boolean amsgrad;
    private final boolean nesterov;
    private final NonFinitePolicy nonFinitePolicy;
    private final List<StepListener> listeners;
    private final int parallelism;
    private final int parallelThreshold;

    private Adam(Builder b) {
        this.name = b.name;
        this.lr = b.lr;
        this.learningRateSchedule = b.learningRateSchedule;
        this.gradNormClip = b.gradNormClip;
        this.scale = b.scale;
        this.b1 = b.b1;
        this.b2 = b.b2;
        this.eps = b.eps;
        this.epsRoot = b.epsRoot;
        this.weightDecay = b.weightDecay;
        this.amsgrad = b.amsgrad;
        this.nesterov = b.nesterov;
        this.nonFinitePolicy = b.nonFinitePolicy;
        this.listeners = List.copyOf(b.listeners);
        this.parallelism = b.parallelism;
        this.parallelThreshold = b.parallelThreshold;
    }

    /** skrl's {@code Adam(model=model, lr=lr, grad_norm_clip=gradNormClip, scale=scale)}. */
    public static Optimizer create(Model model, double lr, double gradNormClip, boolean scale) {
        return builder().lr(lr).gradNormClip(gradNormClip).scale(scale).build().init(model);
    }

    /** skrl's {@code Adam(model=model, lr=lr)}: no clipping, the lr applied by the optimizer. */
    public static Optimizer create(Model model, double lr) {
        return builder().lr(lr).build().init(model);
    }

    /** skrl's {@code Adam(model=model)}: lr 1e-3, no clipping. */
    public static Optimizer create(Model model) {
        return builder().build().init(model);
    }

    /** A builder holding the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these settings, to derive a variant. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * A fresh optimizer for the model: count 0, zero moments shaped like its parameters.
     *
     * @throws IllegalArgumentException if the model has no parameters
     */
    public Optimizer init(Model model) {
        return new Optimizer(this, model);
    }

    /** The name that listeners, metrics and error messages use; {@value #DEFAULT_NAME} by default. */
    public String name() {
        return name;
    }

    /** The fixed learning rate used when {@link #scale()} is true and no schedule is set. */
    public double lr() {
        return lr;
    }

    /** The learning-rate schedule that replaces {@link #lr()}, or {@code null}. */
    public @Nullable LearningRateSchedule learningRateSchedule() {
        return learningRateSchedule;
    }

    /** Maximum global gradient norm; {@code <= 0} disables clipping. */
    public double gradNormClip() {
        return gradNormClip;
    }

    /**
     * True: the optimizer applies its own lr and {@code step(grad, model)} is the call. False: every
     * step is given its lr, {@code step(grad, model, lr)} (skrl's learning-rate schedulers).
     */
    public boolean scale() {
        return scale;
    }

    /** Decay rate of the first moment. */
    public double b1() {
        return b1;
    }

    /** Decay rate of the second moment. */
    public double b2() {
        return b2;
    }

    /** Added to the denominator outside the square root. */
    public double eps() {
        return eps;
    }

    /** Added to the second moment inside the square root. */
    public double epsRoot() {
        return epsRoot;
    }

    /** Decoupled weight decay (Optax's {@code adamw}); 0 disables it. */
    public double weightDecay() {
        return weightDecay;
    }

    /** True for AMSGrad: the denominator uses the running maximum of the bias-corrected second moment. */
    public boolean amsgrad() {
        return amsgrad;
    }

    /** True for Nesterov momentum (NAdam). */
    public boolean nesterov() {
        return nesterov;
    }

    /** What a step does with a NaN or infinite gradient value. */
    public NonFinitePolicy nonFinitePolicy() {
        return nonFinitePolicy;
    }

    /** Listeners every optimizer made from these settings starts with. */
    public List<StepListener> listeners() {
        return listeners;
    }

    /**
     * Threads that share the work on a large tensor, the stepping thread included (1: the stepping
     * thread alone). Default: the available processors. Results are bit-for-bit the same for any value.
     */
    public int parallelism() {
        return parallelism;
    }

    /**
     * Elements from which a tensor is split across {@link #parallelism()} threads; smaller tensors
     * stay on the stepping thread, where handing them over would cost more than it saves. Default
     * {@value Builder#DEFAULT_PARALLEL_THRESHOLD}.
     */
    public int parallelThreshold() {
        return parallelThreshold;
    }

    /** True when the learning rate comes from a {@link LearningRateSchedule}. */
    public boolean hasSchedule() {
        return learningRateSchedule != null;
    }

    /** True when a positive {@link #gradNormClip()} turns clipping on. */
    public boolean clips() {
        return gradNormClip > 0;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Adam)) {
            return false;
        }
        Adam a = (Adam) o;
        return name.equals(a.name) && Double.compare(lr, a.lr) == 0
                && Objects.equals(learningRateSchedule, a.learningRateSchedule)
                && Double.compare(gradNormClip, a.gradNormClip) == 0 && scale == a.scale
                && Double.compare(b1, a.b1) == 0 && Double.compare(b2, a.b2) == 0
                && Double.compare(eps, a.eps) == 0 && Double.compare(epsRoot, a.epsRoot) == 0
                && Double.compare(weightDecay, a.weightDecay) == 0 && amsgrad == a.amsgrad
                && nesterov == a.nesterov && nonFinitePolicy == a.nonFinitePolicy
                && listeners.equals(a.listeners) && parallelism == a.parallelism
                && parallelThreshold == a.parallelThreshold;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, lr, learningRateSchedule, gradNormClip, scale, b1, b2, eps, epsRoot,
                weightDecay, amsgrad, nesterov, nonFinitePolicy, listeners, parallelism, parallelThreshold);
    }

    @Override
    public String toString() {
        return "Adam[name=" + name + ", lr=" + (learningRateSchedule != null ? learningRateSchedule : lr)
                + ", gradNormClip=" + gradNormClip + ", scale=" + scale + ", b1=" + b1 + ", b2=" + b2
                + ", eps=" + eps + ", epsRoot=" + epsRoot + ", weightDecay=" + weightDecay
                + ", amsgrad=" + amsgrad + ", nesterov=" + nesterov + ", nonFinite=" + nonFinitePolicy
                + ", parallelism=" + parallelism + ", parallelThreshold=" + parallelThreshold + "]";
    }

    /** Collects settings; {@link #build()} checks them all at once. Not thread-safe. */
    public static final class Builder {

        /** The default {@link Adam#parallelThreshold()}: 64 Ki elements (256 KiB of floats). */
        public static final int DEFAULT_PARALLEL_THRESHOLD = 65_536;

        private String name = DEFAULT_NAME;
        private double lr = 1e-3;
        private @Nullable LearningRateSchedule learningRateSchedule;
        private double gradNormClip = 0;
        private boolean scale = true;
        private double b1 = 0.9;
        private double b2 = 0.999;
        private double eps = 1e-8;
        private double epsRoot = 0;
        private double weightDecay = 0;
        private boolean amsgrad = false;
        private boolean nesterov = false;
        private NonFinitePolicy nonFinitePolicy = NonFinitePolicy.ERROR;
        private final List<StepListener> listeners = new ArrayList<>();
        private int parallelism = Runtime.getRuntime().availableProcessors();
        private int parallelThreshold = DEFAULT_PARALLEL_THRESHOLD;

        private Builder() {
        }

        private Builder(Adam a) {
            name = a.name;
            lr = a.lr;
            learningRateSchedule = a.learningRateSchedule;
            gradNormClip = a.gradNormClip;
            scale = a.scale;
            b1 = a.b1;
            b2 = a.b2;
            eps = a.eps;
            epsRoot = a.epsRoot;
            weightDecay = a.weightDecay;
            amsgrad = a.amsgrad;
            nesterov = a.nesterov;
            nonFinitePolicy = a.nonFinitePolicy;
            listeners.addAll(a.listeners);
            parallelism = a.parallelism;
            parallelThreshold = a.parallelThreshold;
        }

        /** See {@link Adam#name()}. */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /** See {@link Adam#lr()}; must be finite and {@code > 0}. Clears a schedule. */
        public Builder lr(double lr) {
            this.lr = lr;
            this.learningRateSchedule = null;
            return this;
        }

        /**
         * A learning rate evaluated at every step's count, in place of the fixed {@link #lr(double)};
         * only with {@code scale = true}.
         */
        public Builder lr(LearningRateSchedule schedule) {
            this.learningRateSchedule = Objects.requireNonNull(schedule, "schedule");
            return this;
        }

        /** See {@link Adam#gradNormClip()}; not NaN. */
        public Builder gradNormClip(double gradNormClip) {
            this.gradNormClip = gradNormClip;
            return this;
        }

        /** See {@link Adam#scale()}. */
        public Builder scale(boolean scale) {
            this.scale = scale;
            return this;
        }

        /** See {@link Adam#b1()}; in {@code [0, 1)}. */
        public Builder b1(double b1) {
            this.b1 = b1;
            return this;
        }

        /** See {@link Adam#b2()}; in {@code [0, 1)}. */
        public Builder b2(double b2) {
            this.b2 = b2;
            return this;
        }

        /** See {@link Adam#eps()}; finite and {@code >= 0}. */
        public Builder eps(double eps) {
            this.eps = eps;
            return this;
        }

        /** See {@link Adam#epsRoot()}; finite and {@code >= 0}. */
        public Builder epsRoot(double epsRoot) {
            this.epsRoot = epsRoot;
            return this;
        }

        /** See {@link Adam#weightDecay()}; finite and {@code >= 0}. */
        public Builder weightDecay(double weightDecay) {
            this.weightDecay = weightDecay;
            return this;
        }

        /** See {@link Adam#amsgrad()}. */
        public Builder amsgrad(boolean amsgrad) {
            this.amsgrad = amsgrad;
            return this;
        }

        /** See {@link Adam#nesterov()}. */
        public Builder nesterov(boolean nesterov) {
            this.nesterov = nesterov;
            return this;
        }

        /** See {@link Adam#nonFinitePolicy()}. */
        public Builder nonFinitePolicy(NonFinitePolicy policy) {
            this.nonFinitePolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** Adds a listener that every optimizer made from the settings starts with. */
        public Builder listener(StepListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** See {@link Adam#parallelism()}; {@code >= 1}. */
        public Builder parallelism(int parallelism) {
            this.parallelism = parallelism;
            return this;
        }

        /** See {@link Adam#parallelThreshold()}; {@code >= 1}. */
        public Builder parallelThreshold(int parallelThreshold) {
            this.parallelThreshold = parallelThreshold;
            return this;
        }

        /**
         * The settings.
         *
         * @throws IllegalArgumentException naming the first setting out of its range
         */
        public Adam build() {
            if (name.isBlank()) {
                throw new IllegalArgumentException("name must not be blank");
            }
            if (!(lr > 0) || !Double.isFinite(lr)) {
                throw new IllegalArgumentException("lr must be finite and > 0, was " + lr);
            }
            if (learningRateSchedule != null && !scale) {
                throw new IllegalArgumentException("a learning-rate schedule needs scale = true;"
                        + " with scale = false every step is given its lr");
            }
            if (Double.isNaN(gradNormClip)) {
                throw new IllegalArgumentException("gradNormClip must not be NaN (<= 0 disables clipping)");
            }
            checkDecay("b1", b1);
            checkDecay("b2", b2);
            checkNonNegative("eps", eps);
            checkNonNegative("epsRoot", epsRoot);
            checkNonNegative("weightDecay", weightDecay);
            if (parallelism < 1) {
                throw new IllegalArgumentException("parallelism must be >= 1, was " + parallelism);
            }
            if (parallelThreshold < 1) {
                throw new IllegalArgumentException("parallelThreshold must be >= 1, was " + parallelThreshold);
            }
            return new Adam(this);
        }

        private static void checkDecay(String setting, double value) {
            if (!(value >= 0 && value < 1)) {
                throw new IllegalArgumentException(setting + " must be in [0, 1), was " + value);
            }
        }

        private static void checkNonNegative(String setting, double value) {
            if (!(value >= 0) || !Double.isFinite(value)) {
                throw new IllegalArgumentException(setting + " must be finite and >= 0, was " + value);
            }
        }
    }
}
