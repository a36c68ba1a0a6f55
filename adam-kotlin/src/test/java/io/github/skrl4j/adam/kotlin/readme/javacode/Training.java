package io.github.skrl4j.adam.kotlin.readme.javacode;

// README snippet begin: java threads and closing
import io.github.skrl4j.adam.Adam;
import io.github.skrl4j.adam.Model;
import io.github.skrl4j.adam.Optimizer;
import io.github.skrl4j.adam.Tensors;
import java.util.function.Supplier;

class Training {
    static void train(Model model, Supplier<Tensors> gradients) {
        try (Optimizer optimizer = Adam.builder().parallelism(2).build().init(model)) {
            for (int i = 0; i < 1_000; i++) {
                optimizer.step(gradients.get(), model);
            }
        }
    }
}
// README snippet end
