package io.github.skrl4j.adam.spring.autoconfigure;

import static io.github.skrl4j.adam.spring.TestModels.gradient;
import static io.github.skrl4j.adam.spring.TestModels.model;
import static io.github.skrl4j.adam.spring.TestModels.nanGradient;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.github.skrl4j.adam.Adam;
import io.github.skrl4j.adam.NonFiniteGradientException;
import io.github.skrl4j.adam.NonFinitePolicy;
import io.github.skrl4j.adam.Optimizer;
import io.github.skrl4j.adam.StepListener;
import io.github.skrl4j.adam.Tensors;
import io.github.skrl4j.adam.spring.OptimizerFactory;
import io.github.skrl4j.adam.spring.OptimizerRegistry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class AdamAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AdamAutoConfiguration.class));

    @Test
    void defaultsAreAdamCoreDefaults() {
        runner.run(context -> {
            assertThat(context).hasSingleBean(OptimizerFactory.class).hasSingleBean(OptimizerRegistry.class);
            PropertiesOptimizerFactory factory = context.getBean(PropertiesOptimizerFactory.class);
            assertThat(factory.defaultConfig()).isEqualTo(Adam.builder().build());
            assertThat(factory.instanceNames()).isEmpty();

            Optimizer optimizer = factory.create(model());
            assertThat(optimizer.name()).isEqualTo(Adam.DEFAULT_NAME);
            assertThat(context.getBean(OptimizerRegistry.class).get(Adam.DEFAULT_NAME)).isSameAs(optimizer);
        });
    }

    @Test
    void topLevelPropertiesMapOntoEverySetting() {
        runner.withPropertyValues("skrl.optim.adam.lr=0.01", "skrl.optim.adam.grad-norm-clip=0.5",
                "skrl.optim.adam.scale=false", "skrl.optim.adam.b1=0.8", "skrl.optim.adam.b2=0.99",
                "skrl.optim.adam.eps=1e-6", "skrl.optim.adam.eps-root=1e-9", "skrl.optim.adam.weight-decay=0.02",
                "skrl.optim.adam.amsgrad=true", "skrl.optim.adam.nesterov=true", "skrl.optim.adam.non-finite=skip")
                .run(context -> {
                    Adam config = context.getBean(PropertiesOptimizerFactory.class).defaultConfig();
                    assertThat(config).isEqualTo(Adam.builder().lr(0.01).gradNormClip(0.5).scale(false).b1(0.8)
                            .b2(0.99).eps(1e-6).epsRoot(1e-9).weightDecay(0.02).amsgrad(true).nesterov(true)
                            .nonFinitePolicy(NonFinitePolicy.SKIP).build());
                });
    }

    @Test
    void instanceKeysFallBackToTopLevelValues() {
        runner.withPropertyValues("skrl.optim.adam.lr=0.01", "skrl.optim.adam.b1=0.8",
                "skrl.optim.adam.grad-norm-clip=1.0",
                "skrl.optim.adam.instances.policy.lr=0.003", "skrl.optim.adam.instances.policy.non-finite=SKIP",
                "skrl.optim.adam.instances.value.grad-norm-clip=0.5", "skrl.optim.adam.instances.value.amsgrad=true")
                .run(context -> {
                    OptimizerFactory factory = context.getBean(OptimizerFactory.class);
                    Adam policy = factory.config("policy");
                    assertThat(policy).isEqualTo(Adam.builder().name("policy").lr(0.003).b1(0.8).gradNormClip(1.0)
                            .nonFinitePolicy(NonFinitePolicy.SKIP).build());
                    Adam value = factory.config("value");
                    assertThat(value).isEqualTo(Adam.builder().name("value").lr(0.01).b1(0.8).gradNormClip(0.5)
                            .amsgrad(true).build());
                });
    }

    @Test
    void createRegistersNamedOptimizersAndASecondOneOfTheSameNameReplacesTheFirst() {
        runner.withPropertyValues("skrl.optim.adam.instances.policy.lr=0.003").run(context -> {
            OptimizerFactory factory = context.getBean(OptimizerFactory.class);
            OptimizerRegistry registry = context.getBean(OptimizerRegistry.class);
            Optimizer first = factory.create("policy", model());
            assertThat(first.name()).isEqualTo("policy");
            assertThat(first.config().lr()).isEqualTo(0.003);
            assertThat(registry.get("policy")).isSameAs(first);

            Optimizer second = factory.create("policy", model());
            assertThat(registry.get("policy")).isSameAs(second);
            assertThat(registry.names()).containsExactly("policy");
        });
    }

    @Test
    void optimizersFromTheFactoryAreClosedWithTheContext() {
        List<Optimizer> created = new ArrayList<>();
        runner.withPropertyValues("skrl.optim.adam.instances.policy.lr=0.003").run(context -> {
            OptimizerFactory factory = context.getBean(OptimizerFactory.class);
            created.add(factory.create("policy", model()));
            created.add(factory.create(model()));
            assertThat(created).noneMatch(Optimizer::isClosed);
        });
        // run(...) closed the context: the registry bean closed what it held
        assertThat(created).hasSize(2).allMatch(Optimizer::isClosed);
    }

    @Test
    void anUnconfiguredInstanceNameIsRefusedListingTheConfiguredOnes() {
        runner.withPropertyValues("skrl.optim.adam.instances.policy.lr=0.003",
                "skrl.optim.adam.instances.value.lr=0.001").run(context -> {
                    OptimizerFactory factory = context.getBean(OptimizerFactory.class);
                    Tensors params = model();
                    assertThatThrownBy(() -> factory.create("polcy", params))
                            .isInstanceOf(IllegalArgumentException.class)
                            .hasMessageContaining("'polcy'")
                            .hasMessageContaining("skrl.optim.adam.instances.polcy.*")
                            .hasMessageContaining("[policy, value]");
                    assertThat(context.getBean(OptimizerRegistry.class).names()).isEmpty();
                });
    }

    @Test
    void backsOffWhenTheApplicationDefinesItsOwnFactory() {
        OptimizerFactory userFactory = mock(OptimizerFactory.class);
        Optimizer made = Adam.create(model());
        when(userFactory.create(eq("policy"), any())).thenReturn(made);
        runner.withBean(OptimizerFactory.class, () -> userFactory).run(context -> {
            assertThat(context).hasSingleBean(OptimizerFactory.class)
                    .doesNotHaveBean(PropertiesOptimizerFactory.class);
            assertThat(context.getBean(OptimizerFactory.class)).isSameAs(userFactory);
            assertThat(context.getBean(OptimizerFactory.class).create("policy", model())).isSameAs(made);
        });
    }

    @Test
    void backsOffWhenTheApplicationDefinesItsOwnRegistry() {
        OptimizerRegistry userRegistry = new OptimizerRegistry();
        runner.withBean(OptimizerRegistry.class, () -> userRegistry).run(context -> {
            assertThat(context).hasSingleBean(OptimizerRegistry.class);
            context.getBean(OptimizerFactory.class).create(model());
            assertThat(userRegistry.names()).containsExactly(Adam.DEFAULT_NAME);
        });
    }

    @Test
    void stepListenerBeansHearEveryCreatedOptimizer() {
        StepListener listener = mock(StepListener.class);
        runner.withBean(StepListener.class, () -> listener)
                .withPropertyValues("skrl.optim.adam.instances.policy.grad-norm-clip=1.0").run(context -> {
                    Optimizer policy = context.getBean(OptimizerFactory.class).create("policy", model());
                    Tensors params = model();
                    policy.step(gradient(), params);
                    verify(listener).onStep(argThat(e -> e.optimizerName().equals("policy") && e.count() == 1
                            && e.clipped() && Math.abs(e.gradientNorm() - 1.3) < 1e-6));

                    assertThatThrownBy(() -> policy.step(nanGradient(), params))
                            .isInstanceOf(NonFiniteGradientException.class);
                    verify(listener).onRejected(eq("policy"), eq(1L), any(NonFiniteGradientException.class));
                });
    }
}
