package io.github.skrl4j.adam.spring.autoconfigure;

import io.github.skrl4j.adam.Optimizer;
import io.github.skrl4j.adam.StepListener;
import io.github.skrl4j.adam.spring.AdamCustomizer;
import io.github.skrl4j.adam.spring.OptimizerFactory;
import io.github.skrl4j.adam.spring.OptimizerRegistry;
import io.github.skrl4j.adam.spring.actuate.StepOutcomes;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ImportRuntimeHints;

/**
 * The core of the starter: binds and validates {@code skrl.optim.adam.*}, and provides the
 * {@link OptimizerRegistry}, the {@link OptimizerFactory} and the last-step tracking
 * ({@link StepOutcomes}) that the endpoint and health read, each replaceable by a bean of the
 * application's own. Every {@link StepListener} bean of the application hears every optimizer the
 * factory creates, and every {@link AdamCustomizer} bean adjusts its settings.
 */
@AutoConfiguration
@ConditionalOnClass(Optimizer.class)
@EnableConfigurationProperties(AdamProperties.class)
@ImportRuntimeHints(AdamRuntimeHints.class)
public final class AdamAutoConfiguration {

    /**
     * Checks {@code skrl.optim.adam.*} right after binding, naming each bad property; static, as a
     * post-processor must be, so that it does not make this configuration early.
     */
    @Bean
    static AdamPropertiesValidator adamPropertiesValidator() {
        return new AdamPropertiesValidator();
    }

    /** The registry that metrics, the endpoint and health read. */
    @Bean
    @ConditionalOnMissingBean
    OptimizerRegistry optimizerRegistry() {
        return new OptimizerRegistry();
    }

    /**
     * How each registered optimizer's last step ended, for the {@code optimizers} endpoint and health
     * contributor: a registry listener, as the metrics binding is.
     */
    @Bean
    @ConditionalOnMissingBean
    StepOutcomes optimizerStepOutcomes(OptimizerRegistry registry) {
        return new StepOutcomes().bindTo(registry);
    }

    /**
     * The factory mapping the properties onto optimizers, with the application's {@link StepListener}
     * beans and then its {@link AdamCustomizer} beans (both in {@code @Order} order) applied to each.
     */
    @Bean
    @ConditionalOnMissingBean(OptimizerFactory.class)
    PropertiesOptimizerFactory optimizerFactory(AdamProperties properties, OptimizerRegistry registry,
            ObjectProvider<StepListener> listeners, ObjectProvider<AdamCustomizer> customizers,
            ObjectProvider<ResumeObserver> resumeObserver) {
        return new PropertiesOptimizerFactory(properties, registry, listeners.orderedStream().toList(),
                customizers.orderedStream().toList(), resumeObserver.getIfAvailable(() -> ResumeObserver.NONE));
    }
}
