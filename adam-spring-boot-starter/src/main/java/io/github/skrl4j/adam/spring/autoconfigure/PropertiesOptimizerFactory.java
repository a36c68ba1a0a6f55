package io.github.skrl4j.adam.spring.autoconfigure;

import io.github.skrl4j.adam.Adam;
import io.github.skrl4j.adam.Model;
import io.github.skrl4j.adam.CheckpointException;
import io.github.skrl4j.adam.Optimizer;
import io.github.skrl4j.adam.OptimizerState;
import io.github.skrl4j.adam.StepListener;
import io.github.skrl4j.adam.spring.AdamCustomizer;
import io.github.skrl4j.adam.spring.OptimizerFactory;
import io.github.skrl4j.adam.spring.OptimizerRegistry;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The auto-configured {@link OptimizerFactory}: maps {@link AdamProperties} onto {@link Adam}
 * settings (through {@link AdamPropertiesMapper}) and registers every optimizer it creates in the
 * {@link OptimizerRegistry}.
 *
 * <p>All settings are built once, at construction, so that a combination Adam refuses (beyond what
 * the property constraints catch) stops the start rather than the first {@code create}.
 * {@code create(name, model)} accepts only configured instance names: a name typed wrong in code
 * fails loudly, listing the configured ones, instead of silently training with the defaults.
 *
 * <p>{@code resume(name, model, file)} reads the file's count and moments through adam-core's public
 * checkpoint API and restores them under the configured settings; with an observation registry it
 * is observed as {@code skrl.optim.adam.checkpoint} (see {@link AdamObservationAutoConfiguration}).
 */
public final class PropertiesOptimizerFactory implements OptimizerFactory {

    private static final Log log = LogFactory.getLog(PropertiesOptimizerFactory.class);

    private final OptimizerRegistry registry;
    private final Adam defaults;
    private final Map<String, Adam> instances;
    private final ResumeObserver resumeObserver;

    /**
     * @param properties the bound and validated properties
     * @param registry   where created optimizers are registered
     * @param listeners  listeners every created optimizer starts with (for example the application's
     *                   {@link StepListener} beans)
     * @throws IllegalStateException naming the property prefix, if Adam refuses a combination of settings
     */
    public PropertiesOptimizerFactory(AdamProperties properties, OptimizerRegistry registry,
            List<StepListener> listeners) {
        this(properties, registry, listeners, List.of());
    }

    /**
     * @param properties  the bound and validated properties
     * @param registry    where created optimizers are registered
     * @param listeners   listeners every created optimizer starts with
     * @param customizers applied in this order to every optimizer's settings, after the properties and
     *                    listeners
     * @throws IllegalStateException naming the property prefix, if Adam refuses a combination of settings
     */
    public PropertiesOptimizerFactory(AdamProperties properties, OptimizerRegistry registry,
            List<StepListener> listeners, List<AdamCustomizer> customizers) {
        this(properties, registry, listeners, customizers, ResumeObserver.NONE);
    }

    /** As the public constructors, with every {@code resume} run through {@code resumeObserver}. */
    PropertiesOptimizerFactory(AdamProperties properties, OptimizerRegistry registry, List<StepListener> listeners,
            List<AdamCustomizer> customizers, ResumeObserver resumeObserver) {
        this.resumeObserver = Objects.requireNonNull(resumeObserver, "resumeObserver");
        this.registry = Objects.requireNonNull(registry, "registry");
        AdamPropertiesMapper mapper = new AdamPropertiesMapper(properties);
        List<AdamCustomizer> ordered = List.copyOf(customizers);
        this.defaults = build(AdamProperties.PREFIX, Adam.DEFAULT_NAME, mapper::topLevel, listeners, ordered);
        Map<String, Adam> configs = new LinkedHashMap<>();
        properties.getInstances().keySet().forEach(name -> configs.put(name, build(AdamProperties.PREFIX
                + ".instances." + name, name, () -> mapper.instance(name), listeners, ordered)));
        this.instances = Collections.unmodifiableMap(configs);
    }

    private static Adam build(String prefix, String name, Supplier<Adam.Builder> settings,
            List<StepListener> listeners, List<AdamCustomizer> customizers) {
        try {
            Adam.Builder builder = settings.get();
            listeners.forEach(builder::listener);
            customizers.forEach(customizer -> customizer.customize(name, builder));
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("Invalid optimizer settings under '" + prefix + "'"
                    + (customizers.isEmpty() ? "" : " (after the AdamCustomizer beans)") + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optimizer create(Model model) {
        return registry.register(defaults.init(model));
    }

    @Override
    public Optimizer create(String name, Model model) {
        return registry.register(config(name).init(model));
    }

    @Override
    public Optimizer resume(String name, Model model, Path file) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(file, "file");
        Adam configured = config(name);
        return resumeObserver.observe(name, file, () -> resume(name, configured, model, file));
    }

    private Optimizer resume(String name, Adam configured, Model model, Path file) {
        AtomicReference<Adam> saved = new AtomicReference<>();
        OptimizerState state;
        // the file's own optimizer only reads count and moments; it never steps, so starts no threads
        try (Optimizer fromFile = Optimizer.loadWith(file, model, settings -> {
            saved.set(settings.build());
            return settings;
        })) {
            state = fromFile.state();
        }
        Adam savedSettings = saved.get();
        String prefix = AdamProperties.PREFIX + ".instances." + name;
        if (savedSettings.amsgrad() != configured.amsgrad()) {
            throw new CheckpointException(file, "cannot be resumed as optimizer '" + name + "': it was saved with"
                    + " amsgrad = " + savedSettings.amsgrad() + " but " + prefix + ".amsgrad is "
                    + configured.amsgrad() + "; AMSGrad's running maximum of the second moment cannot be "
                    + (configured.amsgrad() ? "made up" : "dropped") + ". Configure amsgrad = "
                    + savedSettings.amsgrad() + " to resume, or start afresh with create(name, model)");
        }
        Optimizer resumed = Optimizer.restore(configured, model, state);
        List<String> differences = SettingsDifferences.between(savedSettings, configured);
        if (!differences.isEmpty()) {
            log.warn("Resuming optimizer '" + name + "' from " + file + " at count " + state.count()
                    + " with the configured settings (" + prefix + ".*, falling back to " + AdamProperties.PREFIX
                    + ".*), which differ from the saved ones: " + String.join("; ", differences)
                    + ". Count and moments carry over; the steps from here use the configured settings.");
        }
        return registry.register(resumed);
    }

    @Override
    public Adam config(String name) {
        Adam config = instances.get(name);
        if (config == null) {
            throw new IllegalArgumentException("no optimizer instance '" + name + "' is configured: set at least one"
                    + " " + AdamProperties.PREFIX + ".instances." + name + ".* property, or use create(model) for the"
                    + " top-level settings; configured instances: " + instances.keySet());
        }
        return config;
    }

    /** The top-level settings, named {@value Adam#DEFAULT_NAME}, that {@link #create(Model)} uses. */
    public Adam defaultConfig() {
        return defaults;
    }

    /** Names of the configured instances, in configuration order. */
    public List<String> instanceNames() {
        return List.copyOf(instances.keySet());
    }
}
