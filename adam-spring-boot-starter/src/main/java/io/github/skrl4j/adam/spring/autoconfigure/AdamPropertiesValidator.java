package io.github.skrl4j.adam.spring.autoconfigure;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.ValidatorFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.BeanInitializationException;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.OriginProvider;
import org.springframework.boot.validation.MessageInterpolatorFactory;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;
import org.springframework.validation.AbstractBindingResult;
import org.springframework.validation.BindException;
import org.springframework.validation.FieldError;

/**
 * Checks the bound {@link AdamProperties}, right after Spring Boot binds them and before any bean
 * reads them: the Jakarta constraints of the top level and of every {@code instances.<name>} entry
 * (Hibernate Validator), and what the constraints cannot say about a schedule. Every violation is
 * reported under the property the user wrote ({@code skrl.optim.adam.eps-root},
 * {@code skrl.optim.adam.instances.policy.lr}) with the origin of its value (file and line), in a
 * {@link BindException} that Spring Boot's failure analyzer prints; the start stops.
 *
 * <p>Why not plain {@code @Validated} + {@code @Valid}: Spring Boot then reports Java bean paths
 * ({@code epsRoot}, {@code instances[policy].lr}), which are not the names in {@code application.yml};
 * and the properties classes stay plain data rather than being their own {@code Validator}.
 */
final class AdamPropertiesValidator implements BeanPostProcessor, EnvironmentAware {

    /** Built on first use, once: bootstrapping Hibernate Validator is not free. */
    private static final class Holder {
        private static final ValidatorFactory FACTORY = Validation.byDefaultProvider().configure()
                .messageInterpolator(new MessageInterpolatorFactory().getObject())
                .buildValidatorFactory();
    }

    private @Nullable Environment environment;

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof AdamProperties properties) {
            List<FieldError> errors = validate(properties, environment);
            if (!errors.isEmpty()) {
                PropertiesBindingResult result = new PropertiesBindingResult();
                errors.forEach(result::addError);
                throw new BeanInitializationException("Invalid " + AdamProperties.PREFIX + ".* properties",
                        new BindException(result));
            }
        }
        return bean;
    }

    /** Every violation, as a field error named like the property (relative to {@value AdamProperties#PREFIX}). */
    static List<FieldError> validate(AdamProperties properties, @Nullable Environment environment) {
        List<FieldError> errors = new ArrayList<>();
        Validator validator = Holder.FACTORY.getValidator();
        for (ConstraintViolation<AdamProperties> v : validator.validate(properties)) {
            errors.add(error(dashed(v), v, environment));
        }
        validateSchedule(properties.getSchedule(), properties.getScale(), "", errors, environment);
        validateRank(properties.getDistributed(), errors, environment);
        validateMemberRemoval(properties.getDistributed(), errors, environment);
        properties.getInstances().forEach((name, instance) -> {
            String prefix = "instances." + mapKey(name) + ".";
            for (ConstraintViolation<AdamInstanceProperties> v : validator.validate(instance)) {
                errors.add(error(prefix + dashed(v), v, environment));
            }
            Boolean scale = instance.getScale() != null ? instance.getScale() : properties.getScale();
            validateSchedule(instance.getSchedule(), scale, prefix, errors, environment);
        });
        return errors;
    }

    /** What the constraints cannot say: the keys a schedule type needs, and that it needs scale=true. */
    private static void validateSchedule(ScheduleProperties schedule, @Nullable Boolean scale, String prefix,
            List<FieldError> errors, @Nullable Environment environment) {
        ScheduleProperties.Type type = schedule.getType();
        if (type == null) {
            return;
        }
        String must = "must be set for schedule type " + typeName(type);
        List<String> required = switch (type) {
            case CONSTANT -> List.of();
            case LINEAR -> List.of("end-value", "transition-steps");
            case EXPONENTIAL_DECAY -> List.of("transition-steps", "decay-rate");
            case COSINE_DECAY -> List.of("decay-steps");
            case WARMUP_COSINE_DECAY -> List.of("peak-value", "warmup-steps", "decay-steps");
        };
        for (String key : required) {
            if (value(schedule, key) == null) {
                errors.add(error(prefix + "schedule." + key, null, "ScheduleParameter", must, environment));
            }
        }
        Long warmup = schedule.getWarmupSteps();
        Long decay = schedule.getDecaySteps();
        if (type == ScheduleProperties.Type.WARMUP_COSINE_DECAY && warmup != null && decay != null && decay <= warmup) {
            errors.add(error(prefix + "schedule.decay-steps", null, "ScheduleParameter", "must be greater than"
                    + " warmup-steps (" + warmup + "): it is the whole schedule's length, warm-up included", environment));
        }
        if (Boolean.FALSE.equals(scale)) {
            errors.add(error(prefix + "schedule.type", typeName(type), "ScheduleNeedsScale",
                    "needs scale=true; with scale=false every step is given its learning rate", environment));
        }
    }

    /** A configured rank must name a rank of the world (its lower bound is a constraint). */
    private static void validateRank(DistributedProperties distributed, List<FieldError> errors,
            @Nullable Environment environment) {
        Integer rank = distributed.getRank();
        int worldSize = distributed.getWorldSize();
        if (rank != null && rank >= 0 && worldSize > 0 && rank >= worldSize) {
            errors.add(error("distributed.rank", rank, "RankInWorld", "must be less than world-size (" + worldSize
                    + "): ranks are 0 to world-size - 1", environment));
        }
    }

    /** Hazelcast must keep a frozen member longer than the data plane waits for it (their lower bounds are constraints). */
    private static void validateMemberRemoval(DistributedProperties distributed, List<FieldError> errors,
            @Nullable Environment environment) {
        Duration removal = distributed.getMemberRemoval();
        Duration detection = distributed.getFailureDetection();
        if (removal != null && detection != null && removal.compareTo(detection) <= 0) {
            errors.add(error("distributed.member-removal", removal, "RemovalAfterDetection", "must be longer than"
                    + " failure-detection (" + asProperty(detection) + "): a frozen replica is first declared lost by its world,"
                    + " and rejoins it at once if it continues before Hazelcast removes it", environment));
        }
    }

    /** A duration as a property value: {@code 10s}, {@code 1500ms}. */
    private static String asProperty(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    private static @Nullable Object value(ScheduleProperties schedule, String key) {
        return switch (key) {
            case "end-value" -> schedule.getEndValue();
            case "transition-steps" -> schedule.getTransitionSteps();
            case "decay-rate" -> schedule.getDecayRate();
            case "decay-steps" -> schedule.getDecaySteps();
            case "peak-value" -> schedule.getPeakValue();
            case "warmup-steps" -> schedule.getWarmupSteps();
            default -> throw new IllegalArgumentException(key);
        };
    }

    /** The type as written in a property value: {@code cosine-decay}. */
    static String typeName(ScheduleProperties.Type type) {
        return type.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static String dashed(ConstraintViolation<?> v) {
        return DataObjectPropertyName.toDashedForm(v.getPropertyPath().toString());
    }

    /** The map key as it appears in a property name: dotted when plain, bracketed otherwise. */
    private static String mapKey(String key) {
        return key.matches("[a-z0-9][a-z0-9-]*") ? key : "[" + key + "]";
    }

    private static FieldError error(String field, ConstraintViolation<?> v, @Nullable Environment environment) {
        return error(field, v.getInvalidValue(), v.getConstraintDescriptor().getAnnotation().annotationType()
                .getSimpleName(), v.getMessage(), environment);
    }

    private static FieldError error(String field, @Nullable Object value, String code, String message,
            @Nullable Environment environment) {
        return new PropertyFieldError(AdamProperties.PREFIX, field, value, code, message,
                origin(environment, AdamProperties.PREFIX + "." + field));
    }

    private static @Nullable Origin origin(@Nullable Environment environment, String property) {
        if (environment == null || !ConfigurationPropertyName.isValid(property)) {
            return null;
        }
        ConfigurationPropertyName name = ConfigurationPropertyName.of(property);
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            ConfigurationProperty found = source.getConfigurationProperty(name);
            if (found != null) {
                return found.getOrigin();
            }
        }
        return null;
    }

    /** A field error that carries the origin of the rejected value, which Spring Boot then prints. */
    private static final class PropertyFieldError extends FieldError implements OriginProvider {

        private static final long serialVersionUID = 1L;

        private final transient @Nullable Origin origin;

        PropertyFieldError(String objectName, String field, @Nullable Object rejectedValue, String code,
                String message, @Nullable Origin origin) {
            super(objectName, field, rejectedValue, false, new String[] {code}, null, message);
            this.origin = origin;
        }

        @Override
        public @Nullable Origin getOrigin() {
            return origin;
        }
    }

    /**
     * The errors, with the properties type's name as target: Spring Boot's report then reads "Binding to
     * target io.github.skrl4j.adam.spring.autoconfigure.AdamProperties failed", as for a binding error.
     */
    private static final class PropertiesBindingResult extends AbstractBindingResult {

        private static final long serialVersionUID = 1L;

        PropertiesBindingResult() {
            super(AdamProperties.PREFIX);
        }

        @Override
        public Object getTarget() {
            return AdamProperties.class.getName();
        }

        @Override
        protected @Nullable Object getActualFieldValue(String field) {
            return null;
        }
    }
}
