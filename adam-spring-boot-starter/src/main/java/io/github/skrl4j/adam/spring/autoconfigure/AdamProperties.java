package io.github.skrl4j.adam.spring.autoconfigure;

import io.github.skrl4j.adam.AdamSettings;
import io.github.skrl4j.adam.NonFinitePolicy;
import io.github.skrl4j.adam.spring.actuate.OptimizerHealthPolicy;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * The {@code skrl.optim.adam.*} settings: the top-level values are the defaults of every optimizer,
 * and {@code instances.<name>.*} overrides them per named optimizer.
 *
 * <p>Unknown keys anywhere under {@code skrl.optim.adam} stop the start, so that a typo such as
 * {@code instances.policy.lrr} is not silently ignored.
 *
 * <p>Validated with Hibernate Validator against the Jakarta constraints on the fields, when Spring
 * Boot binds the properties: this class is its own {@link Validator} (rather than
 * {@code @Validated}) so that every failure names the property as written, e.g.
 * {@code skrl.optim.adam.instances.policy.lr}, with the origin of the value.
 */
@ConfigurationProperties(prefix = AdamProperties.PREFIX, ignoreUnknownFields = false)
public class AdamProperties implements Validator, EnvironmentAware {

    /** The property prefix. */
    public static final String PREFIX = "skrl.optim.adam";

    /**
     * Learning rate the optimizer applies when scale is true (skrl's "lr"). Must be finite and
     * greater than 0.
     */
    @Positive
    @Finite
    private double lr = 1e-3;

    /**
     * Maximum global L2 norm of the gradient (skrl's "grad_norm_clip"); a larger gradient is scaled
     * down to it. 0 disables clipping. Must be finite and at least 0.
     */
    @PositiveOrZero
    @Finite
    private double gradNormClip = 0;

    /**
     * Whether the optimizer applies its own learning rate (skrl's "scale"). When false every step is
     * given its learning rate: step(grad, model, lr).
     */
    private boolean scale = true;

    /** Exponential decay rate of the first moment (Optax's "b1"). In [0, 1). */
    @DecimalMin("0")
    @DecimalMax(value = "1", inclusive = false)
    private double b1 = 0.9;

    /** Exponential decay rate of the second moment (Optax's "b2"). In [0, 1). */
    @DecimalMin("0")
    @DecimalMax(value = "1", inclusive = false)
    private double b2 = 0.999;

    /**
     * Added to the denominator outside the square root, for numerical stability (Optax's "eps").
     * Must be finite and at least 0.
     */
    @PositiveOrZero
    @Finite
    private double eps = 1e-8;

    /**
     * Added to the second moment inside the square root (Optax's "eps_root"). Must be finite and at
     * least 0.
     */
    @PositiveOrZero
    @Finite
    private double epsRoot = 0;

    /**
     * Decoupled weight decay, applied as in Optax's "adamw"; 0 disables it. Must be finite and at
     * least 0.
     */
    @PositiveOrZero
    @Finite
    private double weightDecay = 0;

    /** Whether to use AMSGrad: the running maximum of the second moment in the denominator. */
    private boolean amsgrad = false;

    /** Whether to use Nesterov momentum (NAdam). */
    private boolean nesterov = false;

    /**
     * What a step does with a gradient holding NaN or an infinity: "error" refuses the step with an
     * exception, "skip" skips it; either way nothing changes.
     */
    @NotNull
    private NonFinitePolicy nonFinite = NonFinitePolicy.ERROR;

    /**
     * Named optimizers, for example "policy" and "value": each key not set under
     * instances.&lt;name&gt; falls back to the top-level value.
     */
    private final Map<String, AdamInstanceProperties> instances = new LinkedHashMap<>();

    /** Micrometer meters. */
    private final Metrics metrics = new Metrics();

    /**
     * Whether an optimizer's failing steps may turn the optimizers health DOWN; the default of every
     * instance (instances.&lt;name&gt;.health.*).
     */
    @Valid
    private final Health health = new Health();

    /** Data-parallel training on the application's Hazelcast cluster (skrl.optim.adam.distributed.*). */
    @Valid
    @NestedConfigurationProperty
    private final DistributedProperties distributed = new DistributedProperties();

    // where the values came from, for the failure report; set before binding
    private @Nullable Environment environment;

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    /** Spring Boot validates a bound properties object that is a {@link Validator} with itself. */
    @Override
    public boolean supports(Class<?> type) {
        return AdamProperties.class.isAssignableFrom(type);
    }

    @Override
    public void validate(Object target, Errors errors) {
        PropertiesValidator.validate((AdamProperties) target, errors, environment);
    }

    /** The top-level settings, which every instance's settings start from. */
    AdamSettings settings() {
        return SettingsBinding.overlay(AdamSettings.DEFAULTS, this);
    }

    /** True when optimizers measure each step's duration for the step timer. */
    boolean measuresStepDuration() {
        return metrics.isEnabled() && metrics.getStepDuration().isEnabled();
    }

    public double getLr() {
        return lr;
    }

    public void setLr(double lr) {
        this.lr = lr;
    }

    public double getGradNormClip() {
        return gradNormClip;
    }

    public void setGradNormClip(double gradNormClip) {
        this.gradNormClip = gradNormClip;
    }

    public boolean isScale() {
        return scale;
    }

    public void setScale(boolean scale) {
        this.scale = scale;
    }

    public double getB1() {
        return b1;
    }

    public void setB1(double b1) {
        this.b1 = b1;
    }

    public double getB2() {
        return b2;
    }

    public void setB2(double b2) {
        this.b2 = b2;
    }

    public double getEps() {
        return eps;
    }

    public void setEps(double eps) {
        this.eps = eps;
    }

    public double getEpsRoot() {
        return epsRoot;
    }

    public void setEpsRoot(double epsRoot) {
        this.epsRoot = epsRoot;
    }

    public double getWeightDecay() {
        return weightDecay;
    }

    public void setWeightDecay(double weightDecay) {
        this.weightDecay = weightDecay;
    }

    public boolean isAmsgrad() {
        return amsgrad;
    }

    public void setAmsgrad(boolean amsgrad) {
        this.amsgrad = amsgrad;
    }

    public boolean isNesterov() {
        return nesterov;
    }

    public void setNesterov(boolean nesterov) {
        this.nesterov = nesterov;
    }

    public NonFinitePolicy getNonFinite() {
        return nonFinite;
    }

    public void setNonFinite(NonFinitePolicy nonFinite) {
        this.nonFinite = nonFinite;
    }

    public Map<String, AdamInstanceProperties> getInstances() {
        return instances;
    }

    public Metrics getMetrics() {
        return metrics;
    }

    public Health getHealth() {
        return health;
    }

    /** The health policy of the optimizer named {@code name}: its instance's keys, falling back to the top level. */
    OptimizerHealthPolicy healthPolicy(String name) {
        AdamInstanceProperties instance = instances.get(name);
        AdamInstanceProperties.Health own = instance == null ? null : instance.getHealth();
        Boolean allow = own == null ? null : own.getAllowHealthIndicatorToFail();
        Integer threshold = own == null ? null : own.getFailureThreshold();
        return new OptimizerHealthPolicy(allow != null ? allow : health.isAllowHealthIndicatorToFail(),
                threshold != null ? threshold : health.getFailureThreshold());
    }

    public DistributedProperties getDistributed() {
        return distributed;
    }

    /** The {@code skrl.optim.adam.metrics.*} settings. */
    public static class Metrics {

        /**
         * Whether to publish the skrl.optim.adam.* meters when Micrometer and a MeterRegistry are
         * present.
         */
        private boolean enabled = true;

        /** The skrl.optim.adam.step.duration timer. */
        private final StepDuration stepDuration = new StepDuration();

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public StepDuration getStepDuration() {
            return stepDuration;
        }
    }

    /** The {@code skrl.optim.adam.metrics.step-duration.*} settings. */
    public static class StepDuration {

        /**
         * Whether every optimizer the factory makes measures its steps' wall time (two clock reads per
         * step) and publishes it as the skrl.optim.adam.step.duration timer. Needs metrics.enabled.
         */
        private boolean enabled = false;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }

    /** The {@code skrl.optim.adam.health.*} settings, the defaults of every instance. */
    public static class Health {

        /**
         * Whether an optimizer may turn the optimizers health contributor DOWN, after failure-threshold
         * skipped or rejected steps in a row. When false (the default) failing steps are only reported
         * in the health details.
         */
        private boolean allowHealthIndicatorToFail = false;

        /**
         * Skipped or rejected steps in a row after which an optimizer allowed to fail turns the
         * optimizers health DOWN (until its next applied step). At least 1.
         */
        @Positive
        private int failureThreshold = 5;

        public boolean isAllowHealthIndicatorToFail() {
            return allowHealthIndicatorToFail;
        }

        public void setAllowHealthIndicatorToFail(boolean allowHealthIndicatorToFail) {
            this.allowHealthIndicatorToFail = allowHealthIndicatorToFail;
        }

        public int getFailureThreshold() {
            return failureThreshold;
        }

        public void setFailureThreshold(int failureThreshold) {
            this.failureThreshold = failureThreshold;
        }
    }
}
