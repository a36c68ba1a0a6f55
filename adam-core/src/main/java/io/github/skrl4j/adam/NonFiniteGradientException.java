package io.github.skrl4j.adam;

/**
 * A gradient held a NaN or an infinity, and the optimizer's {@link NonFinitePolicy} is
 * {@link NonFinitePolicy#ERROR}. The step was refused before anything was written.
 */
public final class NonFiniteGradientException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String tensorName;
    private final int index;
    private final float value;

    NonFiniteGradientException(String optimizerName, String tensorName, int index, float value) {
        super("optimizer '" + optimizerName + "': gradient '" + tensorName + "' holds " + value
                + " at index " + index + "; the step was refused and nothing was changed"
                + " (NonFinitePolicy.SKIP skips such steps instead)");
        this.tensorName = tensorName;
        this.index = index;
        this.value = value;
    }

    /** Name of the first gradient tensor holding a non-finite value. */
    public String tensorName() {
        return tensorName;
    }

    /** Flat (row-major) index of the first non-finite value in that tensor. */
    public int index() {
        return index;
    }

    /** The offending value: NaN or an infinity. */
    public float value() {
        return value;
    }
}
