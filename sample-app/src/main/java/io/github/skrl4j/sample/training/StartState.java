package io.github.skrl4j.sample.training;

import io.github.skrl4j.adam.OptimizerState;
import io.github.skrl4j.adam.Tensor;
import io.github.skrl4j.adam.Tensors;
import io.github.skrl4j.adam.distributed.Checksums;
import io.github.skrl4j.adam.distributed.Collective;
import io.github.skrl4j.sample.ppo.PpoAgent;
import io.github.skrl4j.sample.ppo.TrainingProgress;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * What a replica starts from, reduced to CRC-32Cs and counters: both networks' parameters, both
 * optimizers' moments and counts, the update and environment-step counters, the policy's learning rate.
 */
record StartState(long policyParameters, long valueParameters, long policyMoments, long valueMoments,
        long policyCount, long valueCount, long updates, long environmentSteps, double policyLearningRate) {

    static StartState of(PpoAgent agent, TrainingProgress progress) {
        OptimizerState policy = agent.policyOptimizer().state();
        OptimizerState value = agent.valueOptimizer().state();
        return new StartState(Checksums.crc32c(agent.policy().parameters()),
                Checksums.crc32c(agent.value().parameters()), moments(policy), moments(value), policy.count(),
                value.count(), progress.updates(), progress.environmentSteps(), agent.policyLearningRate());
    }

    /** One CRC-32C over the CRC-32Cs of mu, nu and nu_max. */
    private static long moments(OptimizerState state) {
        ByteBuffer crcs = ByteBuffer.allocate(3 * Long.BYTES).putLong(Checksums.crc32c(state.mu()))
                .putLong(Checksums.crc32c(state.nu())).putLong(Checksums.crc32c(state.nuMax()));
        CRC32C crc = new CRC32C();
        crc.update(crcs.array());
        return crc.getValue();
    }

    /**
     * The state as one tensor for {@link Collective#checkDivergence}: every long as four 16-bit parts, each
     * exact in a float (raw bit patterns in floats could be NaNs, which a transport may canonicalise).
     */
    Tensors fingerprint() {
        long[] values = {policyParameters, valueParameters, policyMoments, valueMoments, policyCount, valueCount,
                updates, environmentSteps, Double.doubleToLongBits(policyLearningRate)};
        float[] parts = new float[values.length * 4];
        for (int i = 0; i < values.length; i++) {
            for (int k = 0; k < 4; k++) {
                parts[i * 4 + k] = (values[i] >>> (16 * k)) & 0xFFFF;
            }
        }
        return Tensors.of(Tensor.of("start-state", parts, parts.length));
    }

    @Override
    public String toString() {
        return "parameters policy " + Checksums.hex(policyParameters) + " value " + Checksums.hex(valueParameters)
                + ", optimizer moments policy " + Checksums.hex(policyMoments) + " value "
                + Checksums.hex(valueMoments) + ", optimizer counts policy " + policyCount + " value " + valueCount
                + ", " + updates + " updates, " + environmentSteps + " environment steps, policy learning rate "
                + policyLearningRate;
    }
}
