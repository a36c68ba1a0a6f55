package io.github.skrl4j.adam;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import tools.jackson.databind.json.JsonMapper;

/** One case of {@code src/test/resources/conformance} (format in the README beside the files). */
final class ConformanceCase {

    static final List<String> NAMES = List.of(
            "adamw", "amsgrad", "clip-at-exact-norm", "clip-huge-gradient", "clip-zero-gradient",
            "eps-placement", "eps-root", "long-run-200", "multi-tensor-clip-scale-false", "nesterov",
            "optax-docstring", "seed-clip", "seed-scale-false-clip", "seed-scale-false", "seed-scale-true",
            "tiny-gradient");

    private static final JsonMapper JSON = JsonMapper.builder().build();

    final String name;
    final String description;
    final Adam config;
    final List<NamedArray> params;
    final List<Step> steps;
    final long expectedCount;
    final List<NamedArray> expectedParams;
    final List<NamedArray> expectedMu;
    final List<NamedArray> expectedNu;
    final double[] expectedGradientNorms;
    final double relativeTolerance;
    final double absoluteTolerance;

    record NamedArray(String name, int[] shape, float[] data) {
        Tensor toTensor() {
            return Tensor.of(name, data.clone(), shape);
        }
    }

    record Step(Double lr, List<NamedArray> grads) {
        Tensors gradTensors() {
            return Tensors.of(grads.stream().map(NamedArray::toTensor).toList());
        }
    }

    @SuppressWarnings("unchecked")
    private ConformanceCase(Map<String, Object> json) {
        name = (String) json.get("name");
        description = (String) json.get("description");
        Map<String, Object> c = (Map<String, Object>) json.get("config");
        config = Adam.builder()
                .lr(num(c.get("lr")))
                .gradNormClip(num(c.get("gradNormClip")))
                .scale((Boolean) c.get("scale"))
                .b1(num(c.get("b1")))
                .b2(num(c.get("b2")))
                .eps(num(c.get("eps")))
                .epsRoot(num(c.get("epsRoot")))
                .weightDecay(num(c.get("weightDecay")))
                .amsgrad((Boolean) c.get("amsgrad"))
                .nesterov((Boolean) c.get("nesterov"))
                .build();
        params = arrays(json.get("params"));
        steps = new ArrayList<>();
        for (Object s : (List<Object>) json.get("steps")) {
            Map<String, Object> step = (Map<String, Object>) s;
            Object lr = step.get("lr");
            steps.add(new Step(lr == null ? null : num(lr), arrays(step.get("grads"))));
        }
        Map<String, Object> e = (Map<String, Object>) json.get("expected");
        expectedCount = ((Number) e.get("count")).longValue();
        expectedParams = arrays(e.get("params"));
        expectedMu = arrays(e.get("mu"));
        expectedNu = arrays(e.get("nu"));
        expectedGradientNorms = ((List<Object>) e.get("gradientNorms")).stream().mapToDouble(ConformanceCase::num).toArray();
        Map<String, Object> t = (Map<String, Object>) json.get("tolerance");
        relativeTolerance = num(t.get("relative"));
        absoluteTolerance = num(t.get("absolute"));
    }

    @SuppressWarnings("unchecked")
    static ConformanceCase load(String name) {
        String resource = "/conformance/" + name + ".json";
        try (InputStream in = Objects.requireNonNull(ConformanceCase.class.getResourceAsStream(resource), resource)) {
            return new ConformanceCase(JSON.readValue(in, Map.class));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Tensors initialParams() {
        return Tensors.of(params.stream().map(NamedArray::toTensor).toList());
    }

    float[][] initialParamArrays() {
        return params.stream().map(a -> a.data().clone()).toArray(float[][]::new);
    }

    /** README rule: max |actual - expected| <= relative * max |expected| + absolute. */
    boolean withinTolerance(float[] expected, double[] actual) {
        double maxExpected = 0;
        double maxError = 0;
        for (int i = 0; i < expected.length; i++) {
            maxExpected = Math.max(maxExpected, Math.abs(expected[i]));
            maxError = Math.max(maxError, Math.abs(actual[i] - expected[i]));
        }
        return maxError <= relativeTolerance * maxExpected + absoluteTolerance;
    }

    static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }

    private static double num(Object o) {
        return ((Number) o).doubleValue();
    }

    @SuppressWarnings("unchecked")
    private static List<NamedArray> arrays(Object list) {
        List<NamedArray> out = new ArrayList<>();
        for (Object o : (List<Object>) list) {
            Map<String, Object> m = (Map<String, Object>) o;
            int[] shape = ((List<Object>) m.get("shape")).stream().mapToInt(x -> ((Number) x).intValue()).toArray();
            List<Object> data = (List<Object>) m.get("data");
            float[] values = new float[data.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) num(data.get(i));
            }
            out.add(new NamedArray((String) m.get("name"), shape, values));
        }
        return out;
    }

    @Override
    public String toString() {
        return name;
    }
}
