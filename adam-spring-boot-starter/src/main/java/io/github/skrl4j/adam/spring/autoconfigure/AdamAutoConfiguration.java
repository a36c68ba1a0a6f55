package io.github.skrl4j.adam.spring.autoconfigure;

import io.github.skrl4j.adam.Optimizer;
import io.github.skrl4j.adam.StepListener;
import io.github.skrl4j.adam.spring.OptimizerFactory;
import io.github.skrl4j.adam.spring.OptimizerRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The core of the starter: binds and validates {@code skrl.optim.adam.*}, and provides the
 * {@link OptimizerRegistry} and the {@link OptimizerFactory}, each replaceable by a bean of the
 * application's own. Every {@link StepListener} bean of the application hears every optimizer the
 * factory creates.
 */
@AutoConfiguration
@ConditionalOnClass(Optimizer.class)
@EnableConfigurationProperties(AdamProperties.class)
public class AdamAutoConfiguration {

    /** The registry that metrics, the endpoint and health read. */
    @Bean
    @ConditionalOnMissingBean
    public OptimizerRegistry optimizerRegistry() {
        return new OptimizerRegistry();
    }

    /** The factory mapping the properties onto optimizers. */
    @Bean
    @ConditionalOnMissingBean(OptimizerFactory.class)
    public PropertiesOptimizerFactory optimizerFactory(AdamProperties properties, OptimizerRegistry registry,
            ObjectProvider<StepListener> listeners) {
        return new PropertiesOptimizerFactory(properties, registry, listeners.orderedStream().toList());
    }
}
