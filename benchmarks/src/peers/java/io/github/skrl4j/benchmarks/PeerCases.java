package io.github.skrl4j.benchmarks;

import io.github.skrl4j.adam.Tensor;
import io.github.skrl4j.adam.Tensors;

/** The skrl4j cases' data as plain float arrays, for the peers. */
final class PeerCases {

    private PeerCases() {
    }

    /** Case name to (params, grads) tensors: "large" with tensors 1 or 64, or "policy". */
    static Tensors[] data(String bench, int tensors) {
        if (bench.equals("policy")) {
            return new Tensors[] {Workloads.policy(false), Workloads.policy(true)};
        }
        return new Tensors[] {Workloads.equalTensors(tensors, Workloads.LARGE / tensors, false),
                Workloads.equalTensors(tensors, Workloads.LARGE / tensors, true)};
    }

    static float[][] arrays(Tensors ts) {
        float[][] a = new float[ts.size()][];
        int i = 0;
        for (Tensor t : ts) {
            a[i++] = t.data();
        }
        return a;
    }

    /** clip_by_global_norm's factor for a global sum of squares. */
    static double clipFactor(double sumOfSquares, double clip) {
        double norm = Math.sqrt(sumOfSquares);
        return norm < clip ? 1.0 : clip / norm;
    }
}
