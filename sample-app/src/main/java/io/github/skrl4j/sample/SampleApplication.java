package io.github.skrl4j.sample;

import io.github.skrl4j.sample.training.TrainingProperties;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * The sample: trains CartPole-v1 with PPO on skrl4j's Adam as soon as it is up, serves the dashboard
 * on {@code /} and the run's state on {@code /api/training}.
 */
@SpringBootApplication
@EnableConfigurationProperties(TrainingProperties.class)
public class SampleApplication {

    /** Starts the application. */
    public static void main(String[] args) {
        SpringApplication.run(SampleApplication.class, args);
    }
}
