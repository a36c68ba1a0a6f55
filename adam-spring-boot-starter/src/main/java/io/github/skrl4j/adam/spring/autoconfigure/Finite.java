package io.github.skrl4j.adam.spring.autoconfigure;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.jspecify.annotations.Nullable;

/**
 * The number is neither NaN nor infinite ({@code null} is valid). Jakarta's {@code @Positive} and
 * {@code @PositiveOrZero} let {@code Infinity} through, which Adam refuses.
 */
@Documented
@Constraint(validatedBy = Finite.Validator.class)
@Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.TYPE_USE})
@Retention(RetentionPolicy.RUNTIME)
public @interface Finite {

    /** The message. */
    String message() default "must be a finite number";

    /** Validation groups. */
    Class<?>[] groups() default {};

    /** Payload. */
    Class<? extends Payload>[] payload() default {};

    /** Checks {@link Double} values. */
    final class Validator implements ConstraintValidator<Finite, Double> {

        @Override
        public boolean isValid(@Nullable Double value, ConstraintValidatorContext context) {
            return value == null || Double.isFinite(value);
        }
    }
}
