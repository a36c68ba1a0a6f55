package io.github.skrl4j.adam.internal.checkpoint;

import io.github.skrl4j.adam.AdamSettings;
import io.github.skrl4j.adam.CheckpointException;
import io.github.skrl4j.adam.LearningRateSchedule;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@link AdamSettings} as metadata entries, one per record component, under the component's name:
 * a double as {@link Double#toString(double)} (which reads back to the same bits, in Java and in
 * Python), a boolean as {@code true}/{@code false}, an enum constant by its name. The schedule is
 * code, not data: only its description is written, under its component's name, and it reads back
 * as no schedule. The entries derive from the record, so that a new option needs no code here.
 */
final class SettingsMetadata {

    private static final RecordComponent[] COMPONENTS = AdamSettings.class.getRecordComponents();
    private static final Constructor<AdamSettings> CANONICAL = canonicalConstructor();

    private SettingsMetadata() {
    }

    private static Constructor<AdamSettings> canonicalConstructor() {
        Class<?>[] types = new Class<?>[COMPONENTS.length];
        for (int i = 0; i < COMPONENTS.length; i++) {
            types[i] = COMPONENTS[i].getType();
            if (!isValue(types[i]) && types[i] != LearningRateSchedule.class) {
                throw new IllegalStateException("AdamSettings." + COMPONENTS[i].getName() + " has type "
                        + types[i].getName() + ", which a checkpoint cannot hold (double, boolean, int, long,"
                        + " an enum or the LearningRateSchedule)");
            }
        }
        try {
            return AdamSettings.class.getDeclaredConstructor(types);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("a record has its canonical constructor", e);
        }
    }

    private static boolean isValue(Class<?> type) {
        return type == double.class || type == boolean.class || type == int.class || type == long.class
                || type.isEnum();
    }

    /** Puts every setting into {@code metadata}, in the record's order; a schedule as its description. */
    static void write(AdamSettings settings, Map<String, String> metadata) {
        for (RecordComponent component : COMPONENTS) {
            Object value = valueOf(component, settings);
            if (component.getType() == LearningRateSchedule.class) {
                if (value != null) {
                    metadata.put(component.getName(), String.valueOf(value));
                }
            } else if (value instanceof Enum<?>) {
                metadata.put(component.getName(), ((Enum<?>) value).name());
            } else {
                // Double.toString, Boolean.toString, Integer.toString, Long.toString
                metadata.put(component.getName(), String.valueOf(value));
            }
        }
    }

    /**
     * The settings the metadata holds, without a schedule.
     *
     * @throws CheckpointException naming the first setting that is missing, malformed or out of its range
     */
    static AdamSettings read(Path file, Map<String, String> metadata) {
        Object[] values = new Object[COMPONENTS.length];
        for (int i = 0; i < COMPONENTS.length; i++) {
            RecordComponent component = COMPONENTS[i];
            if (component.getType() != LearningRateSchedule.class) {
                values[i] = parse(file, component.getName(), component.getType(),
                        CheckpointFormat.required(file, metadata, component.getName()));
            }
        }
        try {
            return CANONICAL.newInstance(values);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof IllegalArgumentException) {
                throw new CheckpointException(file, "holds invalid settings: " + e.getCause().getMessage(),
                        e.getCause());
            }
            throw new IllegalStateException("AdamSettings' constructor failed", e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("AdamSettings' constructor cannot be called", e);
        }
    }

    /** The description of the schedule that was in use when the file was written; null if none was. */
    static @Nullable String scheduleDescription(Map<String, String> metadata) {
        for (RecordComponent component : COMPONENTS) {
            if (component.getType() == LearningRateSchedule.class) {
                return metadata.get(component.getName());
            }
        }
        return null;
    }

    private static @Nullable Object valueOf(RecordComponent component, AdamSettings settings) {
        try {
            return component.getAccessor().invoke(settings);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("AdamSettings." + component.getName() + "() cannot be called", e);
        }
    }

    private static Object parse(Path file, String key, Class<?> type, String text) {
        if (type == boolean.class) {
            if (text.equals("true") || text.equals("false")) {
                return Boolean.valueOf(text);
            }
            throw new CheckpointException(file, "metadata '" + key + "' is '" + text + "', expected true or false");
        }
        if (type.isEnum()) {
            for (Object constant : type.getEnumConstants()) {
                if (((Enum<?>) constant).name().equals(text)) {
                    return constant;
                }
            }
            throw new CheckpointException(file, "metadata '" + key + "' is '" + text + "', expected one of "
                    + Arrays.toString(type.getEnumConstants()));
        }
        try {
            if (type == double.class) {
                return Double.parseDouble(text);
            }
            return type == int.class ? (Object) Integer.parseInt(text) : (Object) Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new CheckpointException(file, "metadata '" + key + "' is not "
                    + (type == double.class ? "a number" : "an integer") + ": '" + text + "'");
        }
    }
}
