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
 * <p>What a step computes is one {@link AdamSettings} value ({@link #settings()}); beside it stand the
 * settings that only say who the optimizer is and how a step runs: its name, its listeners, how
 * many threads share the work, whether a step measures its duration and whether its start warms up.
 * Defaults are skrl's and Optax's ({@link AdamSettings#DEFAULTS}).
 */
public final class Adam {

    /** The default {@link #name()} of an optimizer. */
    public static final String DEFAULT_NAME = "adam";

    private final AdamSettings settings;
    private final String name;
    private final List<StepListener> listeners;
    private final int parallelism;
    private final int parallelThreshold;
    private final boolean measureStepDuration;
    private final WarmUp warmUp;

    private Adam(AdamSettings settings, Builder b) {
        this.settings = settings;
        this.name = b.name;
        this.listeners = List.copyOf(b.listeners);
        this.parallelism = b.parallelism;
        this.parallelThreshold = b.parallelThreshold;
        this.measureStepDuration = b.measureStepDuration;
        this.warmUp = b.warmUp;
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

    /** The settings that decide what a step computes. */
    public AdamSettings settings() {
        return settings;
    }

    /** The name that listeners, metrics and error messages use; {@value #DEFAULT_NAME} by default. */
    public String name() {
        return name;
    }

    /** See {@link AdamSettings#lr()}. */
    public double lr() {
        return settings.lr();
    }

    /** See {@link AdamSettings#lrSchedule()}. */
    public @Nullable LearningRateSchedule learningRateSchedule() {
        return settings.lrSchedule();
    }

    /** See {@link AdamSettings#gradNormClip()}. */
    public double gradNormClip() {
        return settings.gradNormClip();
    }

    /** See {@link AdamSettings#scale()}. */
    public boolean scale() {
        return settings.scale();
    }

    /** See {@link AdamSettings#b1()}. */
    public double b1() {
        return settings.b1();
    }

    /** See {@link AdamSettings#b2()}. */
    public double b2() {
        return settings.b2();
    }

    /** See {@link AdamSettings#eps()}. */
    public double eps() {
        return settings.eps();
    }

    /** See {@link AdamSettings#epsRoot()}. */
    public double epsRoot() {
        return settings.epsRoot();
    }

    /** See {@link AdamSettings#weightDecay()}. */
    public double weightDecay() {
        return settings.weightDecay();
    }

    /** See {@link AdamSettings#amsgrad()}. */
    public boolean amsgrad() {
        return settings.amsgrad();
    }

    /** See {@link AdamSettings#nesterov()}. */
    public boolean nesterov() {
        return settings.nesterov();
    }

    /** See {@link AdamSettings#nonFinite()}. */
    public NonFinitePolicy nonFinitePolicy() {
        return settings.nonFinite();
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

    /**
     * Whether each step measures its wall time, reported as {@link StepEvent#durationNanos()}: from
     * entering the step (a wait for a reader's copy included) to the end of its writes, the listeners
     * not included. Off by default; when on, a step costs two {@link System#nanoTime()} calls more.
     */
    public boolean measuresStepDuration() {
        return measureStepDuration;
    }

    /**
     * Whether an optimizer's start compiles the code its steps run before the first step; default
     * {@link WarmUp#AUTOMATIC} (at the start for models of at least {@value WarmUp#AUTOMATIC_MIN_PARAMETERS}
     * parameters). Results are bit for bit the same for any value.
     */
    public WarmUp warmUp() {
        return warmUp;
    }

    /** See {@link AdamSettings#hasSchedule()}. */
    public boolean hasSchedule() {
        return settings.hasSchedule();
    }

    /** See {@link AdamSettings#clips()}. */
    public boolean clips() {
        return settings.clips();
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
        return settings.equals(a.settings) && name.equals(a.name) && listeners.equals(a.listeners)
                && parallelism == a.parallelism && parallelThreshold == a.parallelThreshold
                && measureStepDuration == a.measureStepDuration && warmUp == a.warmUp;
    }

    @Override
    public int hashCode() {
        return Objects.hash(settings, name, listeners, parallelism, parallelThreshold, measureStepDuration, warmUp);
    }

    @Override
    public String toString() {
        return "Adam[name=" + name + ", " + settings + ", parallelism=" + parallelism
                + ", parallelThreshold=" + parallelThreshold + ", measureStepDuration=" + measureStepDuration
                + ", warmUp=" + warmUp + "]";
    }

    /** Collects settings; {@link #build()} checks them all at once. Not thread-safe. */
    public static final class Builder {

        /** The default {@link Adam#parallelThreshold()}: 64 Ki elements (256 KiB of floats). */
        public static final int DEFAULT_PARALLEL_THRESHOLD = 65_536;

        private String name = DEFAULT_NAME;
        private double lr;
        private @Nullable LearningRateSchedule learningRateSchedule;
        private double gradNormClip;
        private boolean scale;
        private double b1;
        private double b2;
        private double eps;
        private double epsRoot;
        private double weightDecay;
        private boolean amsgrad;
        private boolean nesterov;
        private NonFinitePolicy nonFinitePolicy = NonFinitePolicy.ERROR;
        private final List<StepListener> listeners = new ArrayList<>();
        private int parallelism = Runtime.getRuntime().availableProcessors();
        private int parallelThreshold = DEFAULT_PARALLEL_THRESHOLD;
        private boolean measureStepDuration;
        private WarmUp warmUp = WarmUp.AUTOMATIC;

        private Builder() {
            settings(AdamSettings.DEFAULTS);
        }

        private Builder(Adam a) {
            settings(a.settings);
            name = a.name;
            listeners.addAll(a.listeners);
            parallelism = a.parallelism;
            parallelThreshold = a.parallelThreshold;
            measureStepDuration = a.measureStepDuration;
            warmUp = a.warmUp;
        }

        /** Takes every setting of {@code settings} (name, listeners, threads, timing and warm-up stay as they are). */
        public Builder settings(AdamSettings settings) {
            Objects.requireNonNull(settings, "settings");
            lr = settings.lr();
            learningRateSchedule = settings.lrSchedule();
            gradNormClip = settings.gradNormClip();
            scale = settings.scale();
            b1 = settings.b1();
            b2 = settings.b2();
            eps = settings.eps();
            epsRoot = settings.epsRoot();
            weightDecay = settings.weightDecay();
            amsgrad = settings.amsgrad();
            nesterov = settings.nesterov();
            nonFinitePolicy = settings.nonFinite();
            return this;
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

        /** See {@link Adam#measuresStepDuration()}; default false. */
        public Builder measureStepDuration(boolean measure) {
            this.measureStepDuration = measure;
            return this;
        }

        /** See {@link Adam#warmUp()}; default {@link WarmUp#AUTOMATIC}. */
        public Builder warmUp(WarmUp warmUp) {
            this.warmUp = Objects.requireNonNull(warmUp, "warmUp");
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
            AdamSettings settings = new AdamSettings(lr, learningRateSchedule, gradNormClip, scale, b1, b2, eps,
                    epsRoot, weightDecay, amsgrad, nesterov, nonFinitePolicy);
            if (parallelism < 1) {
                throw new IllegalArgumentException("parallelism must be >= 1, was " + parallelism);
            }
            if (parallelThreshold < 1) {
                throw new IllegalArgumentException("parallelThreshold must be >= 1, was " + parallelThreshold);
            }
            return new Adam(settings, this);
        }
    }
}
