package io.github.skrl4j.adam.spring.autoconfigure;

import io.github.skrl4j.adam.Adam;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The settings that change results and differ between a checkpoint's saved settings and the
 * configured ones, described for the resume warning. How a step runs (parallelism, threshold,
 * listeners) does not change results and is not compared; neither is {@code amsgrad}, which a resume
 * refuses to change, nor a configured learning-rate schedule, which a file cannot hold.
 */
final class SettingsDifferences {

    private SettingsDifferences() {
    }

    /** Each difference as {@code "setting: saved X, configured Y"}, in the settings' usual order. */
    static List<String> between(Adam saved, Adam configured) {
        List<String> differences = new ArrayList<>();
        add(differences, "name", saved.name(), configured.name());
        add(differences, "scale", saved.scale(), configured.scale());
        // a file cannot hold a schedule (it is code), so a configured one has nothing saved to compare with;
        // with scale = false every step brings its learning rate and the lr setting is unused
        if (!configured.hasSchedule() && saved.scale() && configured.scale()) {
            add(differences, "lr", saved.lr(), configured.lr());
        }
        add(differences, "gradNormClip", saved.gradNormClip(), configured.gradNormClip());
        add(differences, "b1", saved.b1(), configured.b1());
        add(differences, "b2", saved.b2(), configured.b2());
        add(differences, "eps", saved.eps(), configured.eps());
        add(differences, "epsRoot", saved.epsRoot(), configured.epsRoot());
        add(differences, "weightDecay", saved.weightDecay(), configured.weightDecay());
        add(differences, "nesterov", saved.nesterov(), configured.nesterov());
        add(differences, "nonFinite", saved.nonFinitePolicy(), configured.nonFinitePolicy());
        return differences;
    }

    private static void add(List<String> differences, String setting, Object saved, Object configured) {
        if (!Objects.equals(saved, configured)) {
            differences.add(setting + ": saved " + saved + ", configured " + configured);
        }
    }
}
