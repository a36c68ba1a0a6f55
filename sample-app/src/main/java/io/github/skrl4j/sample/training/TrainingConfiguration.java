package io.github.skrl4j.sample.training;

import io.github.skrl4j.adam.Model;
import io.github.skrl4j.adam.Optimizer;
import io.github.skrl4j.adam.OptimizerState;
import io.github.skrl4j.adam.distributed.Collective;
import io.github.skrl4j.adam.distributed.ReformableCollective;
import io.github.skrl4j.adam.schedule.KLAdaptiveLR;
import io.github.skrl4j.adam.spring.OptimizerFactory;
import io.github.skrl4j.adam.spring.OptimizerRegistry;
import io.github.skrl4j.sample.faults.OperationFault;
import io.github.skrl4j.sample.ppo.LearningRateAdapter;
import io.github.skrl4j.sample.ppo.OptimizerRestorer;
import io.github.skrl4j.sample.ppo.OptimizerSource;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires the training run: optimizers from the starter's {@link OptimizerFactory} (configured under
 * {@code skrl.optim.adam.instances.policy} and {@code ...value}), the policy's KL-adaptive learning
 * rate, checkpoints, and the run's health and info.
 */
@Configuration(proxyBeanMethods = false)
public class TrainingConfiguration {

    @Bean
    OptimizerSource optimizerSource(OptimizerFactory factory) {
        return factory::create;
    }

    /**
     * Resumed optimizers get today's settings for their name, their saved state (from a checkpoint, or the one a
     * re-formed world continues from), and a place in the registry (replacing the optimizer of that name).
     */
    @Bean
    OptimizerRestorer optimizerRestorer(OptimizerFactory factory, OptimizerRegistry registry) {
        return new OptimizerRestorer() {
            @Override
            public Optimizer restore(String name, Model model, Path file) {
                return factory.resume(name, model, file);
            }

            @Override
            public Optimizer restore(String name, Model model, OptimizerState state) {
                return registry.register(Optimizer.restore(factory.config(name), model, state));
            }
        };
    }

    @Bean
    KLAdaptiveLR policyLearningRateRule(TrainingProperties properties) {
        TrainingProperties.KlAdaptive kl = properties.klAdaptive();
        return KLAdaptiveLR.builder().klThreshold(kl.klThreshold()).minLr(kl.minLr()).maxLr(kl.maxLr())
                .klFactor(kl.klFactor()).lrFactor(kl.lrFactor()).build();
    }

    @Bean
    TrainingRecorder trainingRecorder() {
        return new TrainingRecorder();
    }

    @Bean
    CheckpointStore checkpointStore(TrainingProperties properties) {
        return new DirectoryCheckpointStore(properties.checkpointDir());
    }

    @Bean
    TrainingService trainingService(TrainingProperties properties, OptimizerSource optimizerSource,
            OptimizerRestorer optimizerRestorer, KLAdaptiveLR policyLearningRateRule, TrainingRecorder recorder,
            CheckpointStore checkpointStore, ConfigurableApplicationContext context,
            ObjectProvider<Collective> replicas, ObjectProvider<OperationFault> operationFaults) {
        LearningRateAdapter adapter = policyLearningRateRule::next;
        TrainingService service = new TrainingService(properties, optimizerSource, optimizerRestorer, adapter, recorder,
                checkpointStore, code -> System.exit(SpringApplication.exit(context, () -> code)));
        // the distributed profile: the starter's collective on the replicas' Hazelcast cluster
        replicas.ifAvailable(collective -> {
            // the starter's bean re-forms the world; a collective of the application's own breaks for good
            ReformableCollective world = collective instanceof ReformableCollective reformable ? reformable
                    : ReformableCollective.fixed(collective);
            // the drills' faults (sample.faults), each asked before every operation, in their beans' order
            List<OperationFault> faults = operationFaults.orderedStream().toList();
            service.distributeOver(faults.isEmpty() ? world : new InterceptedWorld(world, operation -> {
                for (OperationFault fault : faults) {
                    fault.beforeOperation(operation);
                }
            }));
        });
        return service;
    }

    /**
     * {@code training}: UP while running or when over without error, DOWN when training failed, and
     * OUT_OF_SERVICE while the replicas' world forms or re-forms (not ready to train, nothing lost).
     */
    @Bean
    HealthIndicator trainingHealthIndicator(TrainingService service) {
        return () -> TrainingConfiguration.health(service.snapshot());
    }

    static Health health(TrainingSnapshot s) {
        TrainingSnapshot.Replica replica = s.replica();
        Health.Builder health;
        if (s.status() == TrainingStatus.FAILED) {
            health = Health.down();
        } else if (replica != null && (replica.world() == WorldState.FORMING
                || replica.world() == WorldState.REFORMING)) {
            health = Health.outOfService();
        } else {
            health = Health.up();
        }
        health.withDetail("status", s.status()).withDetail("episodes", s.episodes())
                .withDetail("meanReturn100", s.meanReturn100());
        if (replica != null) {
            health.withDetail("world", replica.world()).withDetail("restarts", replica.restarts());
            if (replica.lastFailure() != null) {
                health.withDetail("lastFailure", replica.lastFailure());
            }
        }
        if (s.error() != null) {
            health.withDetail("error", s.error());
        }
        return health.build();
    }

    @Bean
    InfoContributor trainingInfoContributor(TrainingProperties properties) {
        return builder -> builder.withDetail("training", Map.of(
                "environment", "CartPole-v1",
                "algorithm", "PPO (skrl)",
                "seed", properties.seed(),
                "maxEnvironmentSteps", properties.maxEnvironmentSteps(),
                "solvedThreshold", properties.solvedThreshold(),
                "ppo", properties.ppo().toSettings()));
    }
}
