package io.github.skrl4j.adam.spring.actuate;

import io.github.skrl4j.adam.Kernels;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;

/**
 * Adds {@code skrl4j} to {@code /actuator/info}: skrl4j's version, the step kernel this JVM offers its
 * optimizers (as {@link Kernels#active()} reports it) and the configured optimizer instances:
 *
 * <pre>
 * "skrl4j": { "version": "0.1.0-SNAPSHOT", "availableKernel": { "name": "vector-256", "vectorized": true },
 *             "instances": ["policy", "value"] }
 * </pre>
 *
 * An optimizer's steps run the available kernel once their update loop is warmed up; which kernel each
 * running optimizer's steps run is in {@code /actuator/optimizers} (the instances here are configured
 * names, not running optimizers).
 */
public final class AdamInfoContributor implements InfoContributor {

    /** The class-path resource the build writes skrl4j's version into. */
    public static final String VERSION_RESOURCE = "io/github/skrl4j/adam/spring/skrl4j-version.properties";

    private final String version;
    private final List<String> instances;

    /**
     * @param instances the configured instance names, in configuration order
     */
    public AdamInfoContributor(List<String> instances) {
        this.version = readVersion();
        this.instances = List.copyOf(instances);
    }

    @Override
    public void contribute(Info.Builder builder) {
        Kernels.Kernel kernel = Kernels.active();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("version", version);
        details.put("availableKernel", Map.of("name", kernel.name(), "vectorized", kernel.vectorized()));
        details.put("instances", instances);
        builder.withDetail("skrl4j", details);
    }

    /** skrl4j's version, as the build wrote it into {@value #VERSION_RESOURCE}. */
    static String readVersion() {
        try (InputStream in = AdamInfoContributor.class.getClassLoader().getResourceAsStream(VERSION_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(VERSION_RESOURCE + " is missing from the class path: a packaging"
                        + " mistake (the starter's build writes it)");
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
