package io.github.skrl4j.adam.spring.autoconfigure;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.ValidatorFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.OriginProvider;
import org.springframework.boot.validation.MessageInterpolatorFactory;
import org.springframework.core.env.Environment;
import org.springframework.validation.BindingResult;
import org.springframework.validation.Errors;
import org.springframework.validation.FieldError;

/**
 * Checks {@link AdamProperties} and every {@code instances.<name>} entry against their Jakarta
 * constraints with Hibernate Validator, and reports each violation under the property the user
 * wrote ({@code skrl.optim.adam.eps-root}, {@code skrl.optim.adam.instances.policy.lr}) with the
 * origin of its value (file and line), so that Spring Boot's start-up failure report names it.
 *
 * <p>Why not plain {@code @Validated} + {@code @Valid}: Spring Boot then reports Java bean paths
 * ({@code epsRoot}, {@code instances[policy].lr}), which are not the names in {@code application.yml}.
 */
final class PropertiesValidator {

    /** Built on first use, once: bootstrapping Hibernate Validator is not free. */
    private static final class Holder {
        private static final ValidatorFactory FACTORY = Validation.byDefaultProvider().configure()
                .messageInterpolator(new MessageInterpolatorFactory().getObject())
                .buildValidatorFactory();
    }

    private PropertiesValidator() {
    }

    static void validate(AdamProperties properties, Errors errors, @Nullable Environment environment) {
        Validator validator = Holder.FACTORY.getValidator();
        for (ConstraintViolation<AdamProperties> v : validator.validate(properties)) {
            addError(errors, dashed(v), v, environment);
        }
        properties.getInstances().forEach((name, instance) -> {
            String prefix = "instances." + mapKey(name) + ".";
            for (ConstraintViolation<AdamInstanceProperties> v : validator.validate(instance)) {
                addError(errors, prefix + dashed(v), v, environment);
            }
            validateSchedule(properties, instance, prefix, errors, environment);
        });
    }

    /** What the constraints cannot say: the keys a schedule type needs, and that it needs scale=true. */
    private static void validateSchedule(AdamProperties properties, AdamInstanceProperties instance, String prefix,
            Errors errors, @Nullable Environment environment) {
        ScheduleProperties schedule = instance.getSchedule();
        schedule.problems().forEach((key, reason) -> addError(errors, prefix + "schedule." + key, null,
                "ScheduleParameter", reason, environment));
        boolean scale = instance.getScale() != null ? instance.getScale() : properties.isScale();
        ScheduleProperties.Type type = schedule.getType();
        if (type != null && !scale) {
            addError(errors, prefix + "schedule.type", ScheduleProperties.typeName(type), "ScheduleNeedsScale",
                    "needs scale=true; with scale=false every step is given its learning rate", environment);
        }
    }

    private static String dashed(ConstraintViolation<?> v) {
        return DataObjectPropertyName.toDashedForm(v.getPropertyPath().toString());
    }

    /** The map key as it appears in a property name: dotted when plain, bracketed otherwise. */
    private static String mapKey(String key) {
        return key.matches("[a-z0-9][a-z0-9-]*") ? key : "[" + key + "]";
    }

    private static void addError(Errors errors, String field, ConstraintViolation<?> v,
            @Nullable Environment environment) {
        addError(errors, field, v.getInvalidValue(),
                v.getConstraintDescriptor().getAnnotation().annotationType().getSimpleName(), v.getMessage(),
                environment);
    }

    private static void addError(Errors errors, String field, @Nullable Object value, String code, String message,
            @Nullable Environment environment) {
        if (!(errors instanceof BindingResult result)) {
            errors.reject(code, field + " " + message);
            return;
        }
        String property = errors.getObjectName() + "." + field;
        result.addError(new PropertyFieldError(errors.getObjectName(), field, value, code, message,
                origin(environment, property)));
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
}
