package io.github.skrl4j.adam.kotlin.readme.javacode;

// README snippet begin: java watching steps
import io.github.skrl4j.adam.Optimizer;
import io.github.skrl4j.adam.StepEvent;
import java.util.ArrayList;
import java.util.List;

class ClippedSteps {
    final List<StepEvent> kept = new ArrayList<>();

    ClippedSteps(Optimizer optimizer) {
        optimizer.addListener(event -> {
            if (event.clipped()) {
                kept.add(event.snapshot());                   // the event is reused after this call
            }
        });
    }
}
// README snippet end
