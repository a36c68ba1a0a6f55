package io.github.skrl4j.adam.distributed.wire;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Key pairs made at test time with the running JDK's keytool (nothing secret is committed): the
 * world's identity, and a stranger's that the world does not trust.
 *
 * <p>A TLS test class registers them as a static extension,
 * {@code @RegisterExtension static final TestCertificates certificates = TestCertificates.perTestClass();}:
 * they are made once before the class's tests, in a directory of their own ({@link #dir()}, for a child JVM
 * to {@link #load}), which is deleted after them.
 */
final class TestCertificates implements BeforeAllCallback, AfterAllCallback {

    private static final char[] PASSWORD = "test-only".toCharArray();

    /** Where the key pairs are; made and deleted by the extension callbacks when registered per test class. */
    private Path dir;
    private KeyStore world;
    private KeyStore stranger;

    TestCertificates(Path dir) throws Exception {
        this.dir = dir;
        this.world = generate(dir, "world");
        this.stranger = generate(dir, "stranger");
    }

    private TestCertificates(Path dir, KeyStore world, KeyStore stranger) {
        this.dir = dir;
        this.world = world;
        this.stranger = stranger;
    }

    private TestCertificates() {
    }

    /** Key pairs made before a test class's tests and deleted after them: register as a static extension. */
    static TestCertificates perTestClass() {
        return new TestCertificates();
    }

    /** The key pairs an earlier {@code new TestCertificates(dir)} made (for a child JVM). */
    static TestCertificates load(Path dir) throws Exception {
        return new TestCertificates(dir, keyStore(dir.resolve("world.p12")), keyStore(dir.resolve("stranger.p12")));
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("skrl4j-wire-keys");
        world = generate(dir, "world");
        stranger = generate(dir, "stranger");
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    /** The directory that holds the key pairs ({@code world.p12}, {@code stranger.p12}). */
    Path dir() {
        return dir;
    }

    /** A member of the world: the world's key, trusting the world's certificate only. */
    SSLContext member() throws Exception {
        return context(world, world);
    }

    /** A stranger: its own key (not trusted by the world), trusting the world's certificate. */
    SSLContext stranger() throws Exception {
        return context(stranger, world);
    }

    /** No certificate at all, trusting the world's certificate. */
    SSLContext anonymous() throws Exception {
        return context(null, world);
    }

    /** A member's engines of {@code kind}: the world's key, trusting the world's certificate only. */
    TlsEngines member(TlsKind kind) throws Exception {
        return kind.engines(keys(world), trust(world));
    }

    /** A stranger's engines of {@code kind}: its own key, trusting the world's certificate. */
    TlsEngines stranger(TlsKind kind) throws Exception {
        return kind.engines(keys(stranger), trust(world));
    }

    private static SSLContext context(KeyStore keys, KeyStore trusted) throws Exception {
        KeyManagerFactory kmf = keys == null ? null : keys(keys);
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(kmf == null ? null : kmf.getKeyManagers(), trust(trusted).getTrustManagers(), null);
        return context;
    }

    private static KeyManagerFactory keys(KeyStore keys) throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, PASSWORD);
        return kmf;
    }

    private static TrustManagerFactory trust(KeyStore trusted) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        Certificate cert = trusted.getCertificate(trusted.aliases().nextElement());
        trust.setCertificateEntry("trusted", cert);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        return tmf;
    }

    private static KeyStore generate(Path dir, String alias) throws Exception {
        Path file = dir.resolve(alias + ".p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process process = new ProcessBuilder(List.of(keytool.toString(), "-genkeypair", "-alias", alias,
                "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA", "-validity", "2",
                "-dname", "CN=skrl4j-test-" + alias, "-storetype", "PKCS12", "-keystore", file.toString(),
                "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD)))
                .redirectErrorStream(true).redirectOutput(dir.resolve(alias + ".log").toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException("keytool failed: " + Files.readString(dir.resolve(alias + ".log")));
        }
        return keyStore(file);
    }

    private static KeyStore keyStore(Path file) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, PASSWORD);
        }
        return store;
    }
}
