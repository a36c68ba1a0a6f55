package io.github.skrl4j.adam.spring.autoconfigure;

import static io.github.skrl4j.adam.spring.TestModels.model;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.skrl4j.adam.Adam;
import io.github.skrl4j.adam.Model;
import io.github.skrl4j.adam.Optimizer;
import io.github.skrl4j.adam.schedule.Schedules;
import io.github.skrl4j.adam.spring.AdamCustomizer;
import io.github.skrl4j.adam.spring.OptimizerFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

/** Every {@link AdamCustomizer} bean adjusts every optimizer the auto-configured factory builds, in order. */
class AdamCustomizerTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AdamAutoConfiguration.class))
            .withPropertyValues("skrl.optim.adam.parallelism=2", "skrl.optim.adam.instances.policy.lr=0.003",
                    "skrl.optim.adam.instances.value.lr=0.002");

    @Test
    void customizersRunInTheirOrderOnEveryOptimizerAfterTheProperties() {
        runner.withUserConfiguration(Customizers.class).run(context -> {
            OptimizerFactory factory = context.getBean(OptimizerFactory.class);
            Adam policy = factory.config("policy");
            // the later customizer (Order 2) overrides the earlier one's parallelism; both ran
            assertThat(policy.parallelism()).isEqualTo(1);
            assertThat(policy.parallelThreshold()).isEqualTo(4_096);
            // the schedule starts from what the properties set: the customizers ran after them
            assertThat(policy.learningRateSchedule()).isEqualTo(Schedules.cosineDecay(0.003, 1_000, 0, 1));
            assertThat(factory.config("value").learningRateSchedule()).isNull();
            assertThat(factory.config("value").parallelism()).isEqualTo(1);
            Optimizer top = factory.create(model());
            assertThat(top.config().parallelism()).isEqualTo(1);
            assertThat(context.getBean(Customizers.class).calls)
                    .containsExactly("first adam", "second adam", "first policy", "second policy", "first value",
                            "second value");
        });
    }

    @Test
    void withoutCustomizersThePropertiesAlone() {
        runner.run(context -> assertThat(context.getBean(OptimizerFactory.class).config("policy").parallelism())
                .isEqualTo(2));
    }

    @Test
    void aCustomizerMakingInvalidSettingsStopsTheStartNamingTheInstance() {
        runner.withBean(AdamCustomizer.class, () -> (name, builder) -> builder.b1(name.equals("value") ? 1.5 : 0.9))
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("b1 must be in [0, 1)");
                    assertThat(context.getStartupFailure()).hasStackTraceContaining(
                            "Invalid optimizer settings under 'skrl.optim.adam.instances.value' (after the"
                                    + " AdamCustomizer beans)");
                });
    }

    @Test
    void theFactoryBacksOffForTheApplicationsOwnAndTheCustomizersAreNotApplied() {
        runner.withUserConfiguration(Customizers.class, OwnFactory.class).run(context -> {
            assertThat(context).hasSingleBean(OptimizerFactory.class);
            assertThat(context.getBean(OptimizerFactory.class)).isInstanceOf(OwnFactoryImpl.class);
            assertThat(context).doesNotHaveBean(PropertiesOptimizerFactory.class);
            assertThat(context.getBean(Customizers.class).calls).isEmpty();
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class Customizers {

        final List<String> calls = new ArrayList<>();

        @Bean
        @Order(2)
        AdamCustomizer second() {
            return (name, builder) -> {
                calls.add("second " + name);
                builder.parallelism(1);
            };
        }

        @Bean
        @Order(1)
        AdamCustomizer first() {
            return (name, builder) -> {
                calls.add("first " + name);
                builder.parallelism(3).parallelThreshold(4_096);
                if (name.equals("policy")) {
                    builder.lr(Schedules.cosineDecay(builder.build().lr(), 1_000, 0, 1));
                }
            };
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnFactory {
        @Bean
        OptimizerFactory ownFactory() {
            return new OwnFactoryImpl();
        }
    }

    static final class OwnFactoryImpl implements OptimizerFactory {
        @Override
        public Optimizer create(Model model) {
            return Adam.builder().build().init(model);
        }

        @Override
        public Optimizer create(String name, Model model) {
            return config(name).init(model);
        }

        @Override
        public Optimizer resume(String name, Model model, Path file) {
            return Optimizer.load(file, model);
        }

        @Override
        public Adam config(String name) {
            return Adam.builder().name(name).build();
        }
    }
}
