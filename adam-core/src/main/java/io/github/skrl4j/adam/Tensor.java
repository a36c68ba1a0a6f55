package io.github.skrl4j.adam;

import java.util.Arrays;
import java.util.Objects;

/**
 * A named float32 array with a row-major shape: one leaf of a model's parameter tree.
 *
 * <p>{@link #data()} is the live storage, not a copy: the optimizer updates parameters in place,
 * as a training loop expects. Name and shape never change.
 */
public final class Tensor {

    private final String name;
    private final float[] data;
    private final int[] shape;

    private Tensor(String name, float[] data, int[] shape) {
        this.name = name;
        this.data = data;
        this.shape = shape;
    }

    /**
     * A tensor over {@code data} (kept, not copied).
     *
     * @param name  a non-empty name; a path such as {@code policy/l0/kernel} is fine
     * @param data  the row-major values; its length must be the product of {@code shape}
     * @param shape the dimensions, each {@code >= 0}; none means a scalar (one value)
     * @throws IllegalArgumentException if the name is empty or the shape does not fit the data
     */
    public static Tensor of(String name, float[] data, int... shape) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(shape, "shape");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("tensor name must not be empty");
        }
        long size = elementCount(name, shape);
        if (size != data.length) {
            throw new IllegalArgumentException("tensor '" + name + "': shape " + Arrays.toString(shape)
                    + " holds " + size + " values but data has " + data.length);
        }
        return new Tensor(name, data, shape.clone());
    }

    /** A tensor of zeros with the given shape. */
    public static Tensor zeros(String name, int... shape) {
        long size = elementCount(name, shape);
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("tensor '" + name + "': " + size + " values exceed a Java array");
        }
        return of(name, new float[(int) size], shape);
    }

    private static long elementCount(String name, int[] shape) {
        long size = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor '" + name + "': negative dimension in shape "
                        + Arrays.toString(shape));
            }
            size *= d;
            if (size > Integer.MAX_VALUE) {
                return size;
            }
        }
        return size;
    }

    /** The tensor's name. */
    public String name() {
        return name;
    }

    /** The live, row-major values: writes are seen by the model and by the optimizer. */
    public float[] data() {
        return data;
    }

    /** A copy of the shape; empty for a scalar. */
    public int[] shape() {
        return shape.clone();
    }

    /** Number of dimensions; 0 for a scalar. */
    public int rank() {
        return shape.length;
    }

    /** Number of values. */
    public int size() {
        return data.length;
    }

    /** True when {@code other} has the same dimensions. */
    public boolean hasShapeOf(Tensor other) {
        return Arrays.equals(shape, other.shape);
    }

    /** True when the shape is exactly {@code dims}. */
    public boolean hasShape(int... dims) {
        return Arrays.equals(shape, dims);
    }

    /** An independent copy: same name and shape, copied values. */
    public Tensor copy() {
        return new Tensor(name, data.clone(), shape);
    }

    /** A tensor of zeros with this one's name and shape. */
    public Tensor zerosLike() {
        return new Tensor(name, new float[data.length], shape);
    }

    /** This tensor's values and shape under another name (the values are copied). */
    public Tensor renamed(String newName) {
        return of(newName, data.clone(), shape);
    }

    /** The shape as text, {@code [3, 4]}; {@code []} for a scalar. */
    public String shapeString() {
        return Arrays.toString(shape);
    }

    @Override
    public String toString() {
        return "Tensor[" + name + " " + shapeString() + "]";
    }
}
