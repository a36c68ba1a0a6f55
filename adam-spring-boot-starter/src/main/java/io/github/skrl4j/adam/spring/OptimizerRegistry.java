package io.github.skrl4j.adam.spring;

import io.github.skrl4j.adam.Optimizer;
import io.github.skrl4j.adam.StepEvent;
import io.github.skrl4j.adam.StepListener;
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
 * <p>Names are unique. Registering an optimizer under a name already taken <em>replaces and
 * closes</em> the earlier one: it is detached (its meters removed, the endpoint and health no longer
 * report it), then {@linkplain Optimizer#close() closed}, so its worker threads stop at once and a
 * later step on it is refused. This suits services that train one run after another under the same
 * name, and keeps a create-and-replace loop from piling up threads.
 *
 * <p>An optimizer closed by whoever holds it leaves the registry by itself (the registry hears
 * {@link io.github.skrl4j.adam.StepListener#onClosed(Optimizer)}), so nothing keeps reporting an
 * optimizer that can no longer step. {@link #remove(String)} detaches without closing.
 *
 * <p>{@link #close()} closes every registered optimizer; as a bean, the registry is closed with the
 * application context, after the beans that use it.
 *
 * <p>Thread-safe: registration is serialized, lookups are lock-free.
 */
public final class OptimizerRegistry implements AutoCloseable {

    /** Hears optimizers come and go, for example to bind their meters. */
    public interface Listener {

        /** {@code optimizer} was registered (or was already registered when this listener was added). */
        void onRegistered(Optimizer optimizer);

        /**
         * {@code optimizer} was removed, replaced by one of the same name, or closed. Does nothing
         * unless overridden.
         */
        default void onRemoved(Optimizer optimizer) {
        }
    }

    private final Map<String, Optimizer> entries = new ConcurrentHashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();
    // hears each registered optimizer's close; one no-op call per step otherwise
    private final StepListener closeWatcher = new CloseWatcher();

    /**
     * Registers the optimizer under its name. An optimizer registered under that name before is
     * detached and then closed (after a step in progress on another thread has finished).
     *
     * @return the optimizer, for chaining
     * @throws IllegalArgumentException if the optimizer is closed
     */
    public Optimizer register(Optimizer optimizer) {
        Objects.requireNonNull(optimizer, "optimizer");
        Optimizer replaced;
        synchronized (lock) {
            replaced = entries.get(optimizer.name());
            if (replaced == optimizer) {
                return optimizer;
            }
            optimizer.addListener(closeWatcher);
            if (optimizer.isClosed()) {
                // checked after adding the watcher: a close racing with this call is seen either here or there
                optimizer.removeListener(closeWatcher);
                throw new IllegalArgumentException("optimizer '" + optimizer.name() + "' is closed and cannot be"
                        + " registered");
            }
            if (replaced != null) {
                detach(replaced);
            }
            entries.put(optimizer.name(), optimizer);
            for (Listener l : listeners) {
                l.onRegistered(optimizer);
            }
        }
        if (replaced != null) {
            // outside the lock: close() waits for a step in progress, whose listeners may call the registry
            replaced.close();
        }
        return optimizer;
    }

    /**
     * Removes the optimizer registered under {@code name}, if any, without closing it: it keeps
     * working for whoever holds it but is no longer reported (and closing it is theirs to do).
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

    /** Removes {@code optimizer} if it is the one registered under its name (it was closed). */
    private void removeClosed(Optimizer optimizer) {
        synchronized (lock) {
            if (entries.get(optimizer.name()) == optimizer) {
                detach(optimizer);
            }
        }
    }

    private void detach(Optimizer optimizer) {
        entries.remove(optimizer.name());
        optimizer.removeListener(closeWatcher);
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
        List<Optimizer> removed = new ArrayList<>();
        synchronized (lock) {
            for (Optimizer optimizer : new TreeMap<>(entries).values()) {
                detach(optimizer);
                removed.add(optimizer);
            }
        }
        for (Optimizer optimizer : removed) {
            optimizer.close();
        }
    }

    @Override
    public String toString() {
        return "OptimizerRegistry" + names();
    }

    /** Takes an optimizer that its holder closed out of the registry. */
    private final class CloseWatcher implements StepListener {

        @Override
        public void onStep(StepEvent event) {
        }

        @Override
        public void onClosed(Optimizer optimizer) {
            removeClosed(optimizer);
        }
    }
}
