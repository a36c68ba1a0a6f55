package io.github.skrl4j.adam.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

/** skrl's {@code skrl/resources/schedulers/jax/kl_adaptive.py}, value by value. */
class KLAdaptiveLRTest {

    private final KLAdaptiveLR rule = KLAdaptiveLR.defaults();

    @Test
    void defaultsAreSkrls() {
        assertThat(rule.klThreshold()).isEqualTo(0.008);
        assertThat(rule.minLr()).isEqualTo(1e-6);
        assertThat(rule.maxLr()).isEqualTo(1e-2);
        assertThat(rule.klFactor()).isEqualTo(2);
        assertThat(rule.lrFactor()).isEqualTo(1.5);
        assertThat(KLAdaptiveLR.builder().build()).isEqualTo(rule);
    }

    @Test
    void largeKlDividesTheLr() {
        // kl > 0.008 * 2
        assertThat(rule.next(1e-3, 0.02)).isEqualTo(1e-3 / 1.5);
        assertThat(rule.next(1e-3, Math.nextUp(0.008 * 2))).isEqualTo(1e-3 / 1.5);
    }

    @Test
    void smallKlMultipliesTheLr() {
        // kl < 0.008 / 2
        assertThat(rule.next(1e-3, 0.001)).isEqualTo(1e-3 * 1.5);
        assertThat(rule.next(1e-3, Math.nextDown(0.008 / 2))).isEqualTo(1e-3 * 1.5);
    }

    @Test
    void bothComparisonsAreStrict() {
        assertThat(rule.next(1e-3, 0.008 * 2)).isEqualTo(1e-3);
        assertThat(rule.next(1e-3, 0.008 / 2)).isEqualTo(1e-3);
        assertThat(rule.next(1e-3, 0.008)).isEqualTo(1e-3);
    }

    @Test
    void decreaseStopsAtMinLrAndIncreaseAtMaxLr() {
        assertThat(rule.next(1.2e-6, 1.0)).isEqualTo(1e-6);
        assertThat(rule.next(1e-6, 1.0)).isEqualTo(1e-6);
        assertThat(rule.next(8e-3, 0.0)).isEqualTo(1e-2);
        assertThat(rule.next(1e-2, 0.0)).isEqualTo(1e-2);
        // an lr above max_lr falls to it on a small KL, as min(lr * factor, max_lr) gives
        assertThat(rule.next(5e-2, 0.0)).isEqualTo(1e-2);
    }

    @Test
    void nanKlLeavesTheLrAsInSkrl() {
        assertThat(rule.next(1e-3, Double.NaN)).isEqualTo(1e-3);
    }

    @Test
    void customSettings() {
        KLAdaptiveLR custom = KLAdaptiveLR.builder().klThreshold(0.01).minLr(1e-5).maxLr(1e-1).klFactor(3)
                .lrFactor(2).build();
        assertThat(custom.next(1e-3, 0.031)).isEqualTo(5e-4);
        assertThat(custom.next(1e-3, 0.03)).isEqualTo(1e-3);
        assertThat(custom.next(1e-3, 0.003)).isEqualTo(2e-3);
        assertThat(custom.next(1e-3, 0.01 / 3)).isEqualTo(1e-3);
        assertThat(custom.toBuilder().build()).isEqualTo(custom);
        assertThat(custom.toString()).contains("klThreshold=0.01", "lrFactor=2.0");
    }

    @Test
    void trackerFollowsASequenceOfMeasurements() {
        KLAdaptiveLR.Tracker tracker = rule.tracker(1e-3);
        assertThat(tracker.update(0.05)).isEqualTo(1e-3 / 1.5);
        assertThat(tracker.update(0.05)).isEqualTo(1e-3 / 1.5 / 1.5);
        assertThat(tracker.update(0.008)).isEqualTo(1e-3 / 1.5 / 1.5);
        assertThat(tracker.update(0.0)).isEqualTo(1e-3 / 1.5 / 1.5 * 1.5);
        assertThat(tracker.lr()).isEqualTo(1e-3 / 1.5 / 1.5 * 1.5);
        assertThat(tracker.rule()).isSameAs(rule);
        for (int i = 0; i < 100; i++) {
            tracker.update(0.0);
        }
        assertThat(tracker.lr()).isEqualTo(1e-2);
    }

    @Test
    void rejectsBadLearningRates() {
        assertThatIllegalArgumentException().isThrownBy(() -> rule.next(-1e-3, 0.0))
                .withMessageContaining("currentLr");
        assertThatIllegalArgumentException().isThrownBy(() -> rule.next(Double.NaN, 0.0))
                .withMessageContaining("currentLr");
        assertThatIllegalArgumentException().isThrownBy(() -> rule.tracker(Double.POSITIVE_INFINITY))
                .withMessageContaining("initialLr");
    }

    @Test
    void builderNamesTheBadSetting() {
        assertThatIllegalArgumentException().isThrownBy(() -> KLAdaptiveLR.builder().klThreshold(-1).build())
                .withMessageContaining("klThreshold");
        assertThatIllegalArgumentException().isThrownBy(() -> KLAdaptiveLR.builder().minLr(Double.NaN).build())
                .withMessageContaining("minLr");
        assertThatIllegalArgumentException().isThrownBy(() -> KLAdaptiveLR.builder().maxLr(0).build())
                .withMessageContaining("maxLr");
        assertThatIllegalArgumentException().isThrownBy(() -> KLAdaptiveLR.builder().minLr(0.1).maxLr(0.01).build())
                .withMessageContaining("minLr").withMessageContaining("maxLr");
        assertThatIllegalArgumentException().isThrownBy(() -> KLAdaptiveLR.builder().klFactor(0.5).build())
                .withMessageContaining("klFactor");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> KLAdaptiveLR.builder().lrFactor(Double.POSITIVE_INFINITY).build())
                .withMessageContaining("lrFactor");
    }
}
