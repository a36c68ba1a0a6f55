package io.github.skrl4j.adam.spring.autoconfigure;

import io.github.skrl4j.adam.AdamSettings;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Between the bound properties and {@link AdamSettings}, by the record's own list of components: a
 * property named like a component ({@code b1}, {@code epsRoot}, ...) sets it, and one that is not set
 * ({@code null}) leaves the value underneath. So the properties classes declare each Optax option
 * once, for binding, validation and IDE metadata, and no list of settings is written out again here;
 * the learning-rate schedule, which is code and not a value, comes from its own properties.
 */
final class SettingsBinding {

    /** The component that no property binds directly ({@link ScheduleProperties} makes it). */
    static final String SCHEDULE = "lrSchedule";

    private static final RecordComponent[] COMPONENTS = AdamSettings.class.getRecordComponents();
    private static final Constructor<AdamSettings> CANONICAL = canonical();

    private SettingsBinding() {
    }

    /**
     * {@code base} with every setting that {@code properties} holds.
     *
     * @throws IllegalArgumentException if the combination is invalid (as {@link AdamSettings} says)
     */
    static AdamSettings overlay(AdamSettings base, Object properties) {
        Object[] values = new Object[COMPONENTS.length];
        for (int i = 0; i < COMPONENTS.length; i++) {
            RecordComponent c = COMPONENTS[i];
            Object value = c.getName().equals(SCHEDULE) ? null : read(getter(properties.getClass(), c), properties);
            values[i] = value != null ? value : read(c.getAccessor(), base);
        }
        try {
            return CANONICAL.newInstance(values);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof IllegalArgumentException invalid) {
                throw invalid;
            }
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The components of {@link AdamSettings} for which {@code type} has no property getter. */
    static List<String> unbound(Class<?> type) {
        List<String> missing = new ArrayList<>();
        for (RecordComponent c : COMPONENTS) {
            if (!c.getName().equals(SCHEDULE) && getterOrNull(type, c) == null) {
                missing.add(c.getName());
            }
        }
        return missing;
    }

    private static Method getter(Class<?> type, RecordComponent c) {
        Method getter = getterOrNull(type, c);
        if (getter == null) {
            throw new IllegalStateException(type.getSimpleName() + " has no property for the setting '" + c.getName()
                    + "'");
        }
        return getter;
    }

    private static @Nullable Method getterOrNull(Class<?> type, RecordComponent c) {
        String name = c.getName();
        String capitalized = name.substring(0, 1).toUpperCase(Locale.ROOT) + name.substring(1);
        for (String prefix : new String[] {"get", "is"}) {
            try {
                return type.getMethod(prefix + capitalized);
            } catch (NoSuchMethodException e) {
                // try the next form
            }
        }
        return null;
    }

    private static @Nullable Object read(Method accessor, Object target) {
        try {
            return accessor.invoke(target);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Constructor<AdamSettings> canonical() {
        Class<?>[] types = new Class<?>[COMPONENTS.length];
        for (int i = 0; i < COMPONENTS.length; i++) {
            types[i] = COMPONENTS[i].getType();
        }
        try {
            return AdamSettings.class.getDeclaredConstructor(types);
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
