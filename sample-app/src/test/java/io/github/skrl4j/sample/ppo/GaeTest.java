package io.github.skrl4j.sample.ppo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class GaeTest {

    @Test
    void backwardSweepCutAtEpisodeEndsThenNormalised() {
        RolloutBuffer buffer = new RolloutBuffer(3, 1);
        float[] s = {0};
        buffer.add(s, 0, 1f, false, false, 0, 0.5);
        buffer.add(s, 0, 1f, true, false, 0, 0.4);
        buffer.add(s, 0, 1f, false, false, 0, 0.3);
        Gae.compute(buffer, 0.2, 0.9, 0.8);

        // i=2: 1 - 0.3 + 0.9 * (0.2 + 0.8 * 0)     = 0.88
        // i=1: episode ends: 1 - 0.4                 = 0.6
        // i=0: 1 - 0.5 + 0.9 * (0.4 + 0.8 * 0.6)    = 1.292
        double[] raw = {1.292, 0.6, 0.88};
        assertThat(buffer.returnAt(0)).isCloseTo(1.792f, within(1e-6f));
        assertThat(buffer.returnAt(1)).isCloseTo(1.0f, within(1e-6f));
        assertThat(buffer.returnAt(2)).isCloseTo(1.18f, within(1e-6f));
        double mean = (raw[0] + raw[1] + raw[2]) / 3;
        double std = Math.sqrt(((raw[0] - mean) * (raw[0] - mean) + (raw[1] - mean) * (raw[1] - mean)
                + (raw[2] - mean) * (raw[2] - mean)) / 3);
        for (int i = 0; i < 3; i++) {
            assertThat((double) buffer.advantageAt(i)).isCloseTo((raw[i] - mean) / (std + 1e-8), within(1e-5));
        }
    }

    @Test
    void truncationAlsoCutsTheBootstrap() {
        RolloutBuffer buffer = new RolloutBuffer(2, 1);
        float[] s = {0};
        buffer.add(s, 0, 1f, false, true, 0, 0.0);
        buffer.add(s, 0, 1f, false, false, 0, 0.0);
        Gae.compute(buffer, 10.0, 0.5, 1.0);
        assertThat(buffer.returnAt(1)).isCloseTo(6f, within(1e-6f));
        assertThat(buffer.returnAt(0)).isCloseTo(1f, within(1e-6f));
    }
}
