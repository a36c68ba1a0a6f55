package io.github.skrl4j.adam.spring;

import io.github.skrl4j.adam.Adam;

/**
 * Adjusts the settings of every optimizer the auto-configured {@link OptimizerFactory} builds, after
 * the {@code skrl.optim.adam.*} properties and the application's {@code StepListener} beans were
 * applied and before {@link Adam.Builder#build()} checks them: what a property cannot say (a
 * {@code LearningRateSchedule} of the application's own, a listener for one optimizer only, a
 * parallelism computed at start-up). As Resilience4j's {@code *ConfigCustomizer} and Spring Boot's
 * own customizers, every {@code AdamCustomizer} bean is applied, in
 * {@link org.springframework.core.annotation.Order @Order} / {@link org.springframework.core.Ordered}
 * order, so a later one sees and may override what an earlier one set.
 *
 * <p>The factory builds every configured optimizer once, at start-up: a customizer runs then, once
 * per configured instance and once for the top-level settings, not per {@code create} call. A
 * combination {@code build()} refuses stops the start, naming the instance.
 */
@FunctionalInterface
public interface AdamCustomizer {

    /**
     * Adjusts one optimizer's settings.
     *
     * @param name    the instance name ({@code instances.<name>}), or {@value Adam#DEFAULT_NAME} for the
     *                top-level settings that {@code create(model)} uses
     * @param builder its settings so far; the customizer changes them in place
     */
    void customize(String name, Adam.Builder builder);
}
