package io.github.skrl4j.adam.spring;

import io.github.skrl4j.adam.Optimizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;

/**
 * The live optimizers of the application, by {@link Optimizer#name()}: what the metrics binding, the
 * {@code optimizers} endpoint and the health contributor report on. The registry only registers;
 * whatever watches the optimizers (meters, last-step tracking) is a {@link Listener}.
 *
 * <p>Names are unique. Registering an optimizer under a name already taken <em>replaces</em> the
 * earlier one: it is detached (its meters removed, its health no longer reported) but keeps working
 * for whoever holds it. This suits services that train one run after another under the same name.
 *
 * <p>{@link #close()} closes every registered optimizer (stopping its worker threads); as a bean,
 * the registry is closed with the application context, after the beans that use it.
 *
 * <p>Thread-safe: registration is serialized, lookups are lock-free.
 */
public final class OptimizerRegistry implements AutoCloseable {

    /** Hears optimizers come and go, for example to bind their meters. */
    public interface Listener {

        /** {@code optimizer} was registered (or was already registered when this listener was added). */
        void onRegistered(Optimizer optimizer);

        /** {@code optimizer} was removed or replaced by one of the same name. Does nothing unless overridden. */
        default void onRemoved(Optimizer optimizer) {
        }
    }

    private final Map<String, Optimizer> entries = new ConcurrentHashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();

    /**
     * Registers the optimizer under its name, replacing (and detaching) any optimizer registered
     * under that name before.
     *
     * @return the optimizer, for chaining
     */
    public Optimizer register(Optimizer optimizer) {
        Objects.requireNonNull(optimizer, "optimizer");
        synchronized (lock) {
            Optimizer previous = entries.get(optimizer.name());
            if (previous == optimizer) {
                return optimizer;
            }
            if (previous != null) {
                detach(previous);
            }
            entries.put(optimizer.name(), optimizer);
            for (Listener l : listeners) {
                l.onRegistered(optimizer);
            }
            return optimizer;
        }
    }

    /**
     * Removes the optimizer registered under {@code name}, if any; it keeps working but is no longer
     * reported.
     *
     * @return the removed optimizer, or {@code null} if none had that name
     */
    public @Nullable Optimizer remove(String name) {
        synchronized (lock) {
            Optimizer optimizer = entries.get(name);
            if (optimizer == null) {
                return null;
            }
            detach(optimizer);
            return optimizer;
        }
    }

    private void detach(Optimizer optimizer) {
        entries.remove(optimizer.name());
        for (Listener l : listeners) {
            l.onRemoved(optimizer);
        }
    }

    /** The optimizer registered under {@code name}, or {@code null}. */
    public @Nullable Optimizer find(String name) {
        return entries.get(name);
    }

    /**
     * The optimizer registered under {@code name}.
     *
     * @throws NoSuchElementException naming the registered optimizers, if none has that name
     */
    public Optimizer get(String name) {
        Optimizer optimizer = find(name);
        if (optimizer == null) {
            throw new NoSuchElementException("no optimizer named '" + name + "' is registered; registered: " + names());
        }
        return optimizer;
    }

    /** Names of the registered optimizers, sorted. */
    public Set<String> names() {
        return new TreeSet<>(entries.keySet());
    }

    /** The registered optimizers, sorted by name. */
    public List<Optimizer> optimizers() {
        return new ArrayList<>(new TreeMap<>(entries).values());
    }

    /**
     * Adds a listener and tells it at once about every optimizer already registered, so that it
     * misses none.
     */
    public void addListener(Listener listener) {
        Objects.requireNonNull(listener, "listener");
        synchronized (lock) {
            listeners.add(listener);
            for (Optimizer optimizer : new TreeMap<>(entries).values()) {
                listener.onRegistered(optimizer);
            }
        }
    }

    /** Removes a listener; optimizers registered later are not reported to it. */
    public boolean removeListener(Listener listener) {
        synchronized (lock) {
            return listeners.remove(listener);
        }
    }

    /**
     * Removes and {@linkplain Optimizer#close() closes} every registered optimizer: their worker
     * threads stop and later steps are refused. Listeners hear each removal.
     */
    @Override
    public void close() {
        synchronized (lock) {
            for (Optimizer optimizer : new TreeMap<>(entries).values()) {
                detach(optimizer);
                optimizer.close();
            }
        }
    }

    @Override
    public String toString() {
        return "OptimizerRegistry" + names();
    }
}
