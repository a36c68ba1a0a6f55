package io.github.skrl4j.adam.spring.autoconfigure;

import io.github.skrl4j.adam.Adam;
import io.github.skrl4j.adam.LearningRateSchedule;
import io.github.skrl4j.adam.schedule.Schedules;
import io.github.skrl4j.adam.spring.actuate.OptimizerHealthPolicy;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.PropertyMapper;

/**
 * The one place where {@code skrl.optim.adam.*} becomes {@link Adam}'s settings, one written-out
 * line per option: the builder starts at skrl's and Optax's defaults, the top level's set keys
 * overlay them, then the instance's. An unset ({@code null}) key leaves the value underneath, which
 * is Spring Boot's {@link PropertyMapper} behaviour for {@code null} sources.
 *
 * <p>Expects validated properties ({@link AdamPropertiesValidator} ran when they were bound); a
 * combination only {@link Adam.Builder#build()} refuses still throws {@link IllegalArgumentException}.
 */
final class AdamPropertiesMapper {

    /** {@code health.allow-health-indicator-to-fail} when set nowhere. */
    static final boolean DEFAULT_ALLOW_HEALTH_INDICATOR_TO_FAIL = false;

    /** {@code health.failure-threshold} when set nowhere. */
    static final int DEFAULT_FAILURE_THRESHOLD = 5;

    private final AdamProperties properties;

    AdamPropertiesMapper(AdamProperties properties) {
        this.properties = Objects.requireNonNull(properties, "properties");
    }

    /** The top-level settings, named {@value Adam#DEFAULT_NAME}: what {@code create(model)} uses. */
    Adam.Builder topLevel() {
        return builder(Adam.DEFAULT_NAME, null);
    }

    /**
     * The settings of {@code instances.<name>}, each unset key falling back to the top level.
     *
     * @throws IllegalArgumentException if no such instance is configured
     */
    Adam.Builder instance(String name) {
        AdamInstanceProperties instance = properties.getInstances().get(name);
        if (instance == null) {
            throw new IllegalArgumentException("no instance '" + name + "' under " + AdamProperties.PREFIX);
        }
        return builder(name, instance);
    }

    private Adam.Builder builder(String name, @Nullable AdamInstanceProperties instance) {
        Adam.Builder builder = Adam.builder().name(name)
                .measureStepDuration(properties.getMetrics().isEnabled()
                        && properties.getMetrics().getStepDuration().isEnabled());
        applyOptions(properties, builder);
        if (instance != null) {
            applyOptions(instance, builder);
        }
        // after every lr, which clears a schedule; the schedule's defaults need the resolved lr and scale
        Adam resolved = builder.build();
        ScheduleProperties schedule;
        if (instance != null && instance.getSchedule().getType() != null) {
            schedule = instance.getSchedule();
        } else if (instance == null || resolved.scale()) {
            schedule = properties.getSchedule();
        } else {
            schedule = null; // scale = false: every step brings its lr, so the top-level schedule is not inherited
        }
        LearningRateSchedule learningRate = schedule != null ? toSchedule(schedule, resolved.lr()) : null;
        if (learningRate != null) {
            builder.lr(learningRate);
        }
        return builder;
    }

    /** Every option {@code level} sets, onto {@code builder}; an unset option leaves the builder's value. */
    private static void applyOptions(AdamInstanceProperties level, Adam.Builder builder) {
        PropertyMapper map = PropertyMapper.get();
        map.from(level::getLr).to(builder::lr);
        map.from(level::getGradNormClip).to(builder::gradNormClip);
        map.from(level::getScale).to(builder::scale);
        map.from(level::getB1).to(builder::b1);
        map.from(level::getB2).to(builder::b2);
        map.from(level::getEps).to(builder::eps);
        map.from(level::getEpsRoot).to(builder::epsRoot);
        map.from(level::getWeightDecay).to(builder::weightDecay);
        map.from(level::getAmsgrad).to(builder::amsgrad);
        map.from(level::getNesterov).to(builder::nesterov);
        map.from(level::getNonFinite).to(builder::nonFinitePolicy);
        map.from(level::getParallelism).to(builder::parallelism);
        map.from(level::getParallelThreshold).to(builder::parallelThreshold);
        map.from(level::getWarmUp).to(builder::warmUp);
    }

    /**
     * The schedule, or {@code null} when no type is set.
     *
     * @param lr the optimizer's lr, the default of init-value
     * @throws IllegalStateException if a value the type needs is unset (the validator reports it first)
     */
    static @Nullable LearningRateSchedule toSchedule(ScheduleProperties s, double lr) {
        ScheduleProperties.Type type = s.getType();
        if (type == null) {
            return null;
        }
        double init = s.getInitValue() != null ? s.getInitValue() : lr;
        long begin = s.getTransitionBegin() != null ? s.getTransitionBegin() : 0;
        double exponent = s.getExponent() != null ? s.getExponent() : 1;
        return switch (type) {
            case CONSTANT -> Schedules.constant(init);
            case LINEAR -> Schedules.linear(init, required(s.getEndValue()), required(s.getTransitionSteps()), begin);
            case EXPONENTIAL_DECAY -> Schedules.exponentialDecay(init, required(s.getTransitionSteps()),
                    required(s.getDecayRate()), begin, Boolean.TRUE.equals(s.getStaircase()), s.getEndValue());
            case COSINE_DECAY -> Schedules.cosineDecay(init, required(s.getDecaySteps()),
                    s.getAlpha() != null ? s.getAlpha() : 0, exponent);
            case WARMUP_COSINE_DECAY -> Schedules.warmupCosineDecay(init, required(s.getPeakValue()),
                    required(s.getWarmupSteps()), required(s.getDecaySteps()),
                    s.getEndValue() != null ? s.getEndValue() : 0, exponent);
        };
    }

    private static <T> T required(@Nullable T value) {
        if (value == null) {
            throw new IllegalStateException("a schedule key its type needs is unset (the validator reports it)");
        }
        return value;
    }

    /** The health policy of the optimizer named {@code name}: its instance's keys, falling back to the top level. */
    OptimizerHealthPolicy healthPolicy(String name) {
        AdamInstanceProperties instance = properties.getInstances().get(name);
        AdamInstanceProperties.Health own = instance != null ? instance.getHealth() : null;
        AdamInstanceProperties.Health top = properties.getHealth();
        return new OptimizerHealthPolicy(
                first(own != null ? own.getAllowHealthIndicatorToFail() : null, top.getAllowHealthIndicatorToFail(),
                        DEFAULT_ALLOW_HEALTH_INDICATOR_TO_FAIL),
                first(own != null ? own.getFailureThreshold() : null, top.getFailureThreshold(),
                        DEFAULT_FAILURE_THRESHOLD));
    }

    private static <T> T first(@Nullable T instance, @Nullable T topLevel, T fallback) {
        return instance != null ? instance : topLevel != null ? topLevel : fallback;
    }
}
