package io.github.skrl4j.adam.spring.it;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** A minimal application that depends on the starter, as a training service would. */
@SpringBootApplication
public class TrainingTestApplication {
}
