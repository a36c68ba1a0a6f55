package io.github.skrl4j.adam.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** What a user sees: a real SpringApplication reading a YAML file prints Spring Boot's failure report. */
@ExtendWith(OutputCaptureExtension.class)
class StartupFailureReportTest {

    private static SpringApplicationBuilder application() {
        return new SpringApplicationBuilder(AdamAutoConfiguration.class).web(WebApplicationType.NONE)
                .properties("spring.main.banner-mode=off");
    }

    @Test
    void anOutOfRangeInstanceValueIsReportedWithItsPropertyRuleAndLine(CapturedOutput output) {
        assertThatThrownBy(() -> application().run("--spring.config.location=classpath:startup-failure/bad-policy-lr.yml"))
                .isNotNull();
        assertThat(output).contains("APPLICATION FAILED TO START")
                .contains("Property: skrl.optim.adam.instances.policy.lr")
                .contains("Value: \"-0.5\"")
                .contains("Origin: class path resource [startup-failure/bad-policy-lr.yml] - 7:15")
                .contains("Reason: must be greater than 0");
    }

    @Test
    void aMisspelledInstanceKeyIsReportedAsUnbound(CapturedOutput output) {
        assertThatThrownBy(() -> application().run("--spring.config.location=classpath:startup-failure/typo.yml"))
                .isNotNull();
        assertThat(output).contains("APPLICATION FAILED TO START")
                .contains("Property: skrl.optim.adam.instances.policy.lrr")
                .contains("Reason: The elements [skrl.optim.adam.instances.policy.lrr] were left unbound.");
    }
}
