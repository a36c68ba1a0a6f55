package io.github.skrl4j.adam;

import io.github.skrl4j.adam.internal.checkpoint.TensorsCheckpoint;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * An ordered set of uniquely named {@link Tensor}s: a model's parameters, a gradient tree, or one
 * of the optimizer's moments. The collection is immutable; the tensors' values are not.
 *
 * <p>Order matters only for the global gradient norm, which sums tensors in this order. A
 * {@code Tensors} is itself a {@link Model}.
 */
public final class Tensors implements Iterable<Tensor>, Model {

    private static final Tensors EMPTY = new Tensors(List.of(), Map.of());

    private final List<Tensor> tensors;
    private final Map<String, Tensor> byName;

    private Tensors(List<Tensor> tensors, Map<String, Tensor> byName) {
        this.tensors = tensors;
        this.byName = byName;
    }

    /**
     * The given tensors, in this order.
     *
     * @throws IllegalArgumentException if two tensors share a name
     */
    public static Tensors of(Tensor... tensors) {
        return of(List.of(tensors));
    }

    /**
     * The given tensors, in list order.
     *
     * @throws IllegalArgumentException if two tensors share a name
     */
    public static Tensors of(List<Tensor> tensors) {
        if (tensors.isEmpty()) {
            return EMPTY;
        }
        List<Tensor> list = List.copyOf(tensors);
        Map<String, Tensor> byName = new HashMap<>(list.size() * 2);
        for (Tensor t : list) {
            if (byName.putIfAbsent(t.name(), t) != null) {
                throw new IllegalArgumentException("duplicate tensor name '" + t.name() + "'");
            }
        }
        return new Tensors(list, Collections.unmodifiableMap(byName));
    }

    /** No tensors. */
    public static Tensors empty() {
        return EMPTY;
    }

    /**
     * The tensor with this name.
     *
     * @throws NoSuchElementException naming the missing tensor and the ones there are
     */
    public Tensor get(String name) {
        Tensor t = byName.get(name);
        if (t == null) {
            throw new NoSuchElementException("no tensor named '" + name + "' (have " + names() + ")");
        }
        return t;
    }

    /** The tensor with this name, or {@code null}. */
    public @Nullable Tensor find(String name) {
        return byName.get(name);
    }

    /** True when a tensor has this name. */
    public boolean contains(String name) {
        return byName.containsKey(name);
    }

    /** The tensor at this position. */
    public Tensor get(int index) {
        return tensors.get(index);
    }

    /** Number of tensors. */
    public int size() {
        return tensors.size();
    }

    /** True when there are no tensors. */
    public boolean isEmpty() {
        return tensors.isEmpty();
    }

    /** Number of values over all tensors. */
    public long totalSize() {
        long n = 0;
        for (Tensor t : tensors) {
            n += t.size();
        }
        return n;
    }

    /** The names, in order. */
    public List<String> names() {
        List<String> names = new ArrayList<>(tensors.size());
        for (Tensor t : tensors) {
            names.add(t.name());
        }
        return names;
    }

    /** The tensors, in order (unmodifiable). */
    public List<Tensor> asList() {
        return tensors;
    }

    /** The tensors, in order. */
    public Stream<Tensor> stream() {
        return tensors.stream();
    }

    @Override
    public Iterator<Tensor> iterator() {
        return tensors.iterator();
    }

    /** A deep copy: same names and shapes, copied values. */
    public Tensors copy() {
        List<Tensor> copies = new ArrayList<>(tensors.size());
        for (Tensor t : tensors) {
            copies.add(t.copy());
        }
        return of(copies);
    }

    /** Zeros with these names and shapes. */
    public Tensors zerosLike() {
        List<Tensor> zeros = new ArrayList<>(tensors.size());
        for (Tensor t : tensors) {
            zeros.add(t.zerosLike());
        }
        return of(zeros);
    }

    /** {@code Tensors} is a model whose parameters are itself. */
    @Override
    public Tensors parameters() {
        return this;
    }

    /** True when both hold the same names, in the same order, with equal shapes and equal values. */
    public boolean contentEquals(Tensors other) {
        Objects.requireNonNull(other, "other");
        if (other.size() != size()) {
            return false;
        }
        for (int i = 0; i < tensors.size(); i++) {
            Tensor a = tensors.get(i);
            Tensor b = other.tensors.get(i);
            if (!a.name().equals(b.name()) || !a.hasShapeOf(b) || !java.util.Arrays.equals(a.data(), b.data())) {
                return false;
            }
        }
        return true;
    }

    /**
     * Writes these tensors, in this order, to a safetensors file with a checksum, atomically (see
     * {@link Optimizer#save(Path)}). {@code safetensors.numpy.load_file} reads it in Python. The
     * values written are those of the moment: do not step a model while saving it.
     *
     * @throws CheckpointException naming the file if it cannot be written
     */
    public void save(Path file) {
        Objects.requireNonNull(file, "file");
        TensorsCheckpoint.write(file, tensors);
    }

    /**
     * Reads a safetensors file of float32 tensors, in the order of their data: one written by
     * {@link #save(Path)}, or by Python's {@code safetensors} (whose files carry no checksum; one that
     * is present is verified).
     *
     * @throws CheckpointException naming the file and the problem if it is missing, unreadable,
     *                             corrupt, holds other dtypes than F32, is of a newer skrl4j
     *                             format version, or is an optimizer's checkpoint (which
     *                             {@link Optimizer#load(Path, Model)} reads)
     */
    public static Tensors load(Path file) {
        Objects.requireNonNull(file, "file");
        return of(TensorsCheckpoint.read(file));
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Tensors[");
        for (int i = 0; i < tensors.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            Tensor t = tensors.get(i);
            sb.append(t.name()).append(' ').append(t.shapeString());
        }
        return sb.append(']').toString();
    }
}
