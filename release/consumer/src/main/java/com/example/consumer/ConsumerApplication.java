package com.example.consumer;

import io.github.skrl4j.adam.Optimizer;
import io.github.skrl4j.adam.Tensor;
import io.github.skrl4j.adam.Tensors;
import io.github.skrl4j.adam.spring.OptimizerFactory;
import io.github.skrl4j.adam.spring.OptimizerRegistry;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts a Spring context with nothing but the starter on the class path, asks the auto-configured
 * {@link OptimizerFactory} for the optimizer that application.properties configures, takes one step
 * and checks what it did. Any failed check throws, so the process exits non-zero.
 */
@SpringBootApplication
public class ConsumerApplication {

    public static void main(String[] args) {
        try (ConfigurableApplicationContext context = SpringApplication.run(ConsumerApplication.class, args)) {
            float[] weights = {1f, -2f};
            Tensors model = Tensors.of(Tensor.of("w", weights, 2));

            Optimizer policy = context.getBean(OptimizerFactory.class).create("policy", model);
            check(policy.name().equals("policy"), "name " + policy.name());
            check(policy.config().lr() == 0.01, "lr from the instance " + policy.config().lr());
            check(policy.config().gradNormClip() == 0.5, "grad-norm-clip from the top level "
                    + policy.config().gradNormClip());
            check(context.getBean(OptimizerRegistry.class).find("policy") == policy, "registered");

            // Adam's first step moves each weight by lr against the sign of its gradient
            // (the clipped gradient's moments cancel: mhat / sqrt(vhat) = sign(g))
            policy = policy.step(Tensors.of(Tensor.of("w", new float[] {3f, -4f}, 2)), model);
            check(policy.count() == 1, "count " + policy.count());
            check(Math.abs(weights[0] - 0.99f) < 1e-6f && Math.abs(weights[1] + 1.99f) < 1e-6f,
                    "weights after one step " + weights[0] + ", " + weights[1]);
            check(policy.lastGradientNorm() == 5.0, "gradient norm " + policy.lastGradientNorm());

            System.out.println("consumer-check: OptimizerFactory made '" + policy.name() + "' (lr "
                    + policy.config().lr() + "), one step gave " + weights[0] + ", " + weights[1]);
        }
    }

    private static void check(boolean condition, String what) {
        if (!condition) {
            throw new IllegalStateException("consumer-check failed: " + what);
        }
    }
}
