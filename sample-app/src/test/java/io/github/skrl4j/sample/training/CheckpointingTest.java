package io.github.skrl4j.sample.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.skrl4j.adam.Adam;
import io.github.skrl4j.sample.ppo.LearningRateAdapter;
import io.github.skrl4j.sample.ppo.OptimizerRestorer;
import io.github.skrl4j.sample.ppo.PpoAgent;
import io.github.skrl4j.sample.ppo.PpoSettings;
import io.github.skrl4j.sample.ppo.TrainingProgress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** When a run writes checkpoints: the interval, the end of the run, and only where this replica writes them. */
class CheckpointingTest {

    private static final PpoAgent AGENT = PpoAgent.create(
            new PpoSettings(64, 1, 4, 0.99, 0.95, 0.2, 0.2, false, 0, 0.5, true), new SplittableRandom(3),
            (name, model) -> Adam.create(model, 1e-3), LearningRateAdapter.constant());

    /** Records the update count of every save; fails every save when told to. */
    private static final class RecordingStore implements CheckpointStore {
        final List<Long> saved = new ArrayList<>();
        boolean failing;

        @Override
        public Path save(PpoAgent agent, TrainingProgress progress, int worldSize) {
            if (failing) {
                throw new IllegalStateException("disk full");
            }
            saved.add(progress.updates());
            return Path.of("update-" + progress.updates());
        }

        @Override
        public Restored load(Path from, PpoSettings settings, OptimizerRestorer optimizers,
                LearningRateAdapter learningRateAdapter) {
            throw new UnsupportedOperationException();
        }

        @Override
        public @Nullable String lastSaved() {
            return saved.isEmpty() ? null : "update-" + saved.get(saved.size() - 1);
        }
    }

    private static TrainingProgress after(long updates) {
        return TrainingProgress.restore(10, updates * 64, updates, new float[0]);
    }

    @Test
    void writesEveryIntervalUpdatesAndAtTheEnd() {
        RecordingStore store = new RecordingStore();
        Checkpointing checkpointing = new Checkpointing(store, 3, true, 1);
        for (long u = 1; u <= 7; u++) {
            checkpointing.afterUpdate(AGENT, after(u));
        }
        checkpointing.atEnd(AGENT, after(7));
        assertThat(store.saved).containsExactly(3L, 6L, 7L);
        assertThat(checkpointing.lastSaved()).isEqualTo("update-7");
    }

    @Test
    void anIntervalOfZeroWritesOnlyAtTheEnd() {
        RecordingStore store = new RecordingStore();
        Checkpointing checkpointing = new Checkpointing(store, 0, true, 1);
        for (long u = 1; u <= 4; u++) {
            checkpointing.afterUpdate(AGENT, after(u));
        }
        checkpointing.atEnd(AGENT, after(4));
        assertThat(store.saved).containsExactly(4L);
    }

    @Test
    void aReplicaThatDoesNotWriteWritesNothing() {
        RecordingStore store = new RecordingStore();
        Checkpointing checkpointing = new Checkpointing(store, 1, false, 1);
        checkpointing.afterUpdate(AGENT, after(1));
        checkpointing.atEnd(AGENT, after(1));
        assertThat(store.saved).isEmpty();
        assertThat(checkpointing.lastSaved()).isNull();
    }

    @Test
    void aFailedFinalCheckpointIsLoggedNotThrownButAFailedIntervalOneFailsTheRun() {
        RecordingStore store = new RecordingStore();
        store.failing = true;
        Checkpointing checkpointing = new Checkpointing(store, 1, true, 1);
        checkpointing.atEnd(AGENT, after(2));
        assertThat(store.saved).isEmpty();
        assertThatThrownBy(() -> checkpointing.afterUpdate(AGENT, after(1)))
                .hasMessage("disk full");
    }
}
