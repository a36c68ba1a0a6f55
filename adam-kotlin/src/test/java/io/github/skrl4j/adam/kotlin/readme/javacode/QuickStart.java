package io.github.skrl4j.adam.kotlin.readme.javacode;

// README snippet begin: java quick start
import io.github.skrl4j.adam.Adam;
import io.github.skrl4j.adam.Optimizer;
import io.github.skrl4j.adam.Tensor;
import io.github.skrl4j.adam.Tensors;

public class QuickStart {
    public static void main(String[] args) {
        float[] kernel = new float[4 * 64];                   // the float[]s are the live storage
        float[] bias = new float[64];
        Tensors policy = Tensors.of(
                Tensor.of("policy/l0/kernel", kernel, 4, 64),
                Tensor.of("policy/l0/bias", bias, 64));
        Tensors grad = policy.zerosLike();                    // your backward pass fills these
        grad.get("policy/l0/bias").data()[0] = 1f;

        try (Optimizer optimizer = Adam.create(policy, 5e-4, 0.5, true)) {
            optimizer.step(grad, policy);                     // updates kernel and bias in place
            System.out.println("count " + optimizer.count() + ", bias[0] " + bias[0]);
        }
    }
}
// README snippet end
