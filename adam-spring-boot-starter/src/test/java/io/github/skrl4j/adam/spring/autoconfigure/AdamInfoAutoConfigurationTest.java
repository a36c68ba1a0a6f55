package io.github.skrl4j.adam.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.skrl4j.adam.Kernels;
import io.github.skrl4j.adam.spring.actuate.AdamInfoContributor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.autoconfigure.info.InfoContributorAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.info.InfoEndpointAutoConfiguration;
import org.springframework.boot.actuate.info.InfoEndpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** {@code /actuator/info} shows skrl4j's version, available kernel and configured instances, unless switched off. */
class AdamInfoAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AdamAutoConfiguration.class, AdamInfoAutoConfiguration.class,
                    InfoContributorAutoConfiguration.class, InfoEndpointAutoConfiguration.class))
            .withPropertyValues("management.endpoints.web.exposure.include=info",
                    "skrl.optim.adam.instances.policy.lr=0.003", "skrl.optim.adam.instances.value.lr=0.001");

    @Test
    @SuppressWarnings("unchecked")
    void theInfoEndpointShowsVersionKernelAndInstancesByDefault() {
        runner.run(context -> {
            assertThat(context).hasSingleBean(AdamInfoContributor.class);
            Map<String, Object> skrl4j = (Map<String, Object>) context.getBean(InfoEndpoint.class).info().get("skrl4j");
            assertThat(skrl4j).isNotNull();
            // the version the build wrote: the project's, as every POM says
            assertThat(skrl4j.get("version")).isEqualTo("0.1.0-SNAPSHOT");
            Kernels.Kernel kernel = Kernels.active();
            assertThat(skrl4j.get("availableKernel"))
                    .isEqualTo(Map.of("name", kernel.name(), "vectorized", kernel.vectorized()));
            assertThat(skrl4j).as("the JVM's kernel is named for what it is").doesNotContainKey("kernel");
            assertThat(skrl4j.get("instances")).isEqualTo(List.of("policy", "value"));
        });
    }

    @Test
    void managementInfoSkrl4jEnabledFalseSwitchesItOff() {
        runner.withPropertyValues("management.info.skrl4j.enabled=false").run(context -> {
            assertThat(context).doesNotHaveBean(AdamInfoContributor.class);
            assertThat(context.getBean(InfoEndpoint.class).info()).doesNotContainKey("skrl4j");
        });
    }

    @Test
    void managementInfoDefaultsEnabledFalseSwitchesItOffAndItsOwnKeyBackOn() {
        runner.withPropertyValues("management.info.defaults.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(AdamInfoContributor.class));
        runner.withPropertyValues("management.info.defaults.enabled=false", "management.info.skrl4j.enabled=true")
                .run(context -> assertThat(context).hasSingleBean(AdamInfoContributor.class));
    }

    @Test
    void withoutActuatorThereIsNoContributor() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(AdamAutoConfiguration.class, AdamInfoAutoConfiguration.class))
                .withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate"))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(AdamInfoContributor.class));
    }
}
