package io.github.skrl4j.adam.spring.autoconfigure;

import io.github.skrl4j.adam.distributed.openssl.OpenSslTlsEngines;
import io.github.skrl4j.adam.distributed.wire.TlsEngines;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.util.ClassUtils;

/**
 * The data plane's TLS engines from the SSL bundle {@code ssl.bundle} names: BoringSSL's
 * ({@link OpenSslTlsEngines}) when Netty and netty-tcnative are on the class path and usable here, else the
 * JDK's, with one warning that names what to add (the JDK's engine is slower and allocates per TLS record).
 */
final class DataPlaneTls {

    private static final Log LOG = LogFactory.getLog(DataPlaneTls.class);
    /** Netty's OpenSSL provider: without it the native engines cannot be made. */
    static final String OPENSSL_CLASS = "io.netty.handler.ssl.OpenSsl";

    private DataPlaneTls() {
    }

    /**
     * The engines of bundle {@code bundleName}, native when {@code classLoader} (the application's) has
     * netty-tcnative and it loads on this platform.
     *
     * @throws IllegalStateException if the application has no SSL bundles
     */
    static TlsEngines engines(String bundleName, @Nullable SslBundles bundles, @Nullable ClassLoader classLoader) {
        if (bundles == null) {
            throw new IllegalStateException(AdamProperties.PREFIX + ".distributed.ssl.bundle names '" + bundleName
                    + "' but the application has no SSL bundles (spring.ssl.bundle.*)");
        }
        SslBundle bundle = bundles.getBundle(bundleName);
        String missing = nativeEnginesMissing(classLoader);
        if (missing == null) {
            return OpenSslTlsEngines.of(bundle.getManagers().getKeyManagerFactory(),
                    bundle.getManagers().getTrustManagerFactory());
        }
        LOG.warn("The data plane's mutual TLS (SSL bundle '" + bundleName + "') runs on the JDK's SSLEngine because "
                + missing + ". The JDK's AES-GCM is slower and allocates about 0.1 bytes per gradient byte; for "
                + "BoringSSL's native engine add the dependency " + OpenSslTlsEngines.NATIVE_DEPENDENCY
                + " and io.netty:netty-handler (versions managed by Spring Boot).");
        return TlsEngines.jdk(bundle.createSslContext());
    }

    /** Why the native engines cannot be used, or {@code null} if they can. */
    private static @Nullable String nativeEnginesMissing(@Nullable ClassLoader classLoader) {
        if (!ClassUtils.isPresent(OPENSSL_CLASS, classLoader)) {
            return "Netty's OpenSSL provider (" + OPENSSL_CLASS + ") is not on the class path";
        }
        if (!OpenSslTlsEngines.isAvailable()) {
            return "netty-tcnative is not usable here (" + OpenSslTlsEngines.unavailabilityCause() + ")";
        }
        return null;
    }
}
