package io.github.skrl4j.adam;

import io.github.skrl4j.adam.internal.pipeline.AdamMoments;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The parameter layout an optimizer was initialised with (tensor names and shapes, in the order the
 * global norm sums them) and everything that holds tensors against it: binding a step's parameters
 * and gradients by name, copying a state in and out of the moment arrays, and the messages that say
 * what does not fit. Every check here runs before a step writes anything.
 */
final class ParameterLayout {

    private final String optimizer;
    private final String[] names;
    private final int[][] shapes;
    private final int[] sizes;

    // the current step's arrays, resolved by name; reused so that a step allocates nothing
    private final float[][] paramData;
    private final float[][] gradData;
    // what paramData and gradData were last resolved from (a training loop usually passes the same)
    private @Nullable Tensors boundParams;
    private @Nullable Tensors boundGrads;

    ParameterLayout(String optimizer, Tensors params) {
        this.optimizer = optimizer;
        if (params.isEmpty()) {
            throw new IllegalArgumentException("optimizer '" + optimizer + "': the model has no parameters");
        }
        int n = params.size();
        names = new String[n];
        shapes = new int[n][];
        sizes = new int[n];
        for (int i = 0; i < n; i++) {
            Tensor p = params.get(i);
            names[i] = p.name();
            shapes[i] = p.shape();
            sizes[i] = p.size();
        }
        paramData = new float[n][];
        gradData = new float[n][];
    }

    /** Element counts, by tensor. */
    int[] sizes() {
        return sizes.clone();
    }

    List<String> names() {
        return List.of(names);
    }

    /** The parameter arrays of the last {@link #bind}. */
    float[][] params() {
        return paramData;
    }

    /** The gradient arrays of the last {@link #bind}. */
    float[][] grads() {
        return gradData;
    }

    /**
     * Resolves a step's arrays by name.
     *
     * @throws IllegalArgumentException if the parameters or the gradient do not match the layout
     */
    void bind(Tensors params, Tensors grad) {
        if (params == boundParams && grad == boundGrads) {
            // the same (immutable) collections as last step: same tensors, shapes and arrays
            return;
        }
        boundParams = null;
        boundGrads = null;
        if (params.size() != names.length) {
            throw new IllegalArgumentException(mismatch("model parameters", params));
        }
        if (grad.size() != names.length) {
            throw new IllegalArgumentException(mismatch("gradient", grad));
        }
        for (int i = 0; i < names.length; i++) {
            Tensor p = lookup(params, i);
            if (p == null) {
                throw new IllegalArgumentException(mismatch("model parameters", params));
            }
            if (!p.hasShape(shapes[i])) {
                throw new IllegalArgumentException("optimizer '" + optimizer + "': parameter '" + names[i]
                        + "' has shape " + p.shapeString() + " but the optimizer was initialised with "
                        + Arrays.toString(shapes[i]));
            }
            Tensor g = lookup(grad, i);
            if (g == null) {
                throw new IllegalArgumentException(mismatch("gradient", grad));
            }
            if (!g.hasShape(shapes[i])) {
                throw new IllegalArgumentException("optimizer '" + optimizer + "': gradient '" + names[i]
                        + "' has shape " + g.shapeString() + " but parameter '" + names[i] + "' has shape "
                        + Arrays.toString(shapes[i]));
            }
            paramData[i] = p.data();
            gradData[i] = g.data();
        }
        boundParams = params;
        boundGrads = grad;
    }

    /** The first NaN or infinite value of the bound gradient. */
    NonFiniteGradientException firstNonFinite() {
        for (int i = 0; i < names.length; i++) {
            float[] g = gradData[i];
            for (int j = 0; j < g.length; j++) {
                if (!Float.isFinite(g[j])) {
                    return new NonFiniteGradientException(optimizer, names[i], j, g[j]);
                }
            }
        }
        // finite floats whose squares overflow a double cannot exist (max float^2 ~ 1.2e77)
        throw new AssertionError("non-finite gradient norm without a non-finite gradient value");
    }

    /**
     * Copies a state's moments into {@code moments}, after checking that they fit this layout and
     * hold values a run can produce.
     *
     * @throws IllegalArgumentException naming what does not fit; {@code moments} may then be partly
     *                                  written, so they must be fresh ones
     */
    void restore(OptimizerState state, AdamMoments moments) {
        copyInto("mu", state.mu(), moments.mu());
        copyInto("nu", state.nu(), moments.nu());
        float[][] nuMax = moments.nuMax();
        if (nuMax != null) {
            if (state.nuMax().isEmpty()) {
                throw new IllegalArgumentException("optimizer '" + optimizer + "' uses AMSGrad but the state has no nuMax");
            }
            copyInto("nuMax", state.nuMax(), nuMax);
        } else if (!state.nuMax().isEmpty()) {
            throw new IllegalArgumentException("optimizer '" + optimizer + "' does not use AMSGrad but the state has nuMax");
        }
        // checked on the copies, which nobody else can change meanwhile
        requireReachable("mu", moments.mu(), false);
        requireReachable("nu", moments.nu(), true);
        if (nuMax != null) {
            requireReachable("nuMax", nuMax, true);
        }
    }

    /** A deep copy of the moments as a state at {@code count}. */
    OptimizerState snapshot(long count, AdamMoments moments) {
        float[][] nuMax = moments.nuMax();
        return OptimizerState.of(count, copies(moments.mu()), copies(moments.nu()),
                nuMax == null ? Tensors.empty() : copies(nuMax));
    }

    private Tensors copies(float[][] arrays) {
        List<Tensor> list = new ArrayList<>(names.length);
        for (int i = 0; i < names.length; i++) {
            list.add(Tensor.of(names[i], arrays[i].clone(), shapes[i]));
        }
        return Tensors.of(list);
    }

    private void copyInto(String what, Tensors source, float[][] target) {
        if (source.size() != names.length) {
            throw new IllegalArgumentException("optimizer '" + optimizer + "': state " + what + " has tensors "
                    + source.names() + " but the model has " + Arrays.asList(names));
        }
        for (int i = 0; i < names.length; i++) {
            Tensor t = source.find(names[i]);
            if (t == null) {
                throw new IllegalArgumentException("optimizer '" + optimizer + "': state " + what
                        + " has no tensor '" + names[i] + "'");
            }
            if (!t.hasShape(shapes[i])) {
                throw new IllegalArgumentException("optimizer '" + optimizer + "': state " + what + " '" + names[i]
                        + "' has shape " + t.shapeString() + " but the parameter has " + Arrays.toString(shapes[i]));
            }
            System.arraycopy(t.data(), 0, target[i], 0, t.size());
        }
    }

    /**
     * Refuses moments no run of Adam can produce: NaN anywhere, and a negative second moment. (An
     * infinite one can arise, from a gradient whose square overflows a float, and is kept.)
     */
    private void requireReachable(String what, float[][] moments, boolean nonNegative) {
        for (int i = 0; i < moments.length; i++) {
            float[] m = moments[i];
            for (int j = 0; j < m.length; j++) {
                float x = m[j];
                if (Float.isNaN(x) || (nonNegative && x < 0)) {
                    throw new IllegalArgumentException("optimizer '" + optimizer + "': state " + what + " '"
                            + names[i] + "' holds " + x + " at index " + j + "; " + what + " values are "
                            + (nonNegative ? ">= 0 and never NaN" : "never NaN"));
                }
            }
        }
    }

    /** The tensor named like slot {@code i}: by position when the order matches (the usual case), else by name. */
    private @Nullable Tensor lookup(Tensors tensors, int i) {
        Tensor t = tensors.get(i);
        return t.name().equals(names[i]) ? t : tensors.find(names[i]);
    }

    private String mismatch(String what, Tensors tensors) {
        List<String> expected = Arrays.asList(names);
        List<String> missing = new ArrayList<>();
        for (String n : expected) {
            if (!tensors.contains(n)) {
                missing.add(n);
            }
        }
        List<String> unknown = new ArrayList<>();
        for (Tensor t : tensors) {
            if (!expected.contains(t.name())) {
                unknown.add(t.name());
            }
        }
        StringBuilder sb = new StringBuilder("optimizer '").append(optimizer).append("': ").append(what)
                .append(" do not match the parameters it was initialised with");
        if (!missing.isEmpty()) {
            sb.append("; missing ").append(quoted(missing));
        }
        if (!unknown.isEmpty()) {
            sb.append("; unknown ").append(quoted(unknown));
        }
        return sb.append(" (expected ").append(quoted(expected)).append(')').toString();
    }

    private static String quoted(List<String> names) {
        StringBuilder sb = new StringBuilder();
        for (String n : names) {
            sb.append(sb.length() == 0 ? "'" : ", '").append(n).append('\'');
        }
        return sb.toString();
    }
}
