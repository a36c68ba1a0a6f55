package io.github.skrl4j.sample.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.skrl4j.sample.ppo.PpoSettings;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * {@code sample.training.*} bound through {@link TrainingProperties}' constructor, as Spring binds it:
 * every property by its name, and the documented defaults (validation at start: TrainingLifecycleTest).
 */
class TrainingPropertiesTest {

    private static TrainingProperties bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties))
                .bindOrCreate("sample.training", TrainingProperties.class);
    }

    @Test
    void unsetPropertiesTakeTheDocumentedDefaults() {
        TrainingProperties p = bind(Map.of());
        assertThat(p.seed()).isEqualTo(42);
        assertThat(p.maxEnvironmentSteps()).isEqualTo(500_000);
        assertThat(p.solvedThreshold()).isEqualTo(475);
        assertThat(p.exitWhenDone()).isFalse();
        assertThat(p.checkpointDir()).isEqualTo(Path.of("target", "checkpoints"));
        assertThat(p.checkpointInterval()).isEqualTo(10);
        assertThat(p.resumeFrom()).isNull();
        assertThat(p.allowWorldSizeChange()).isFalse();
        assertThat(p.klAdaptive()).isEqualTo(new TrainingProperties.KlAdaptive(0.008, 1e-6, 1e-2, 2, 1.5));
        assertThat(p.ppo().toSettings())
                .isEqualTo(new PpoSettings(1024, 10, 16, 0.99, 0.95, 0.2, 0.2, false, 0.0, 0.5, true));
    }

    @Test
    void everyPropertyBindsByItsKebabCaseName() {
        Map<String, String> set = new HashMap<>();
        set.put("sample.training.seed", "7");
        set.put("sample.training.max-environment-steps", "2048");
        set.put("sample.training.solved-threshold", "200");
        set.put("sample.training.exit-when-done", "true");
        set.put("sample.training.checkpoint-dir", "runs/a");
        set.put("sample.training.checkpoint-interval", "3");
        set.put("sample.training.resume-from", "runs/b");
        set.put("sample.training.allow-world-size-change", "true");
        set.put("sample.training.kl-adaptive.kl-threshold", "0.01");
        set.put("sample.training.kl-adaptive.min-lr", "1e-5");
        set.put("sample.training.kl-adaptive.max-lr", "0.1");
        set.put("sample.training.kl-adaptive.kl-factor", "3");
        set.put("sample.training.kl-adaptive.lr-factor", "2");
        set.put("sample.training.ppo.rollouts", "512");
        set.put("sample.training.ppo.learning-epochs", "4");
        set.put("sample.training.ppo.mini-batches", "8");
        set.put("sample.training.ppo.discount-factor", "0.9");
        set.put("sample.training.ppo.lambda", "0.8");
        set.put("sample.training.ppo.ratio-clip", "0.1");
        set.put("sample.training.ppo.value-clip", "0.3");
        set.put("sample.training.ppo.clip-predicted-values", "true");
        set.put("sample.training.ppo.entropy-loss-scale", "0.01");
        set.put("sample.training.ppo.value-loss-scale", "1");
        set.put("sample.training.ppo.time-limit-bootstrap", "false");

        TrainingProperties p = bind(set);
        assertThat(p).isEqualTo(new TrainingProperties(7, 2048, 200, true, Path.of("runs", "a"), 3,
                Path.of("runs", "b"), true, new TrainingProperties.KlAdaptive(0.01, 1e-5, 0.1, 3, 2),
                new TrainingProperties.Ppo(512, 4, 8, 0.9, 0.8, 0.1, 0.3, true, 0.01, 1, false)));
    }
}
