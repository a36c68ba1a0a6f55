package io.github.skrl4j.adam.hazelcast;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.github.skrl4j.adam.Tensor;
import io.github.skrl4j.adam.Tensors;
import io.github.skrl4j.adam.distributed.Collective;
import io.github.skrl4j.adam.distributed.openssl.OpenSslTlsEngines;
import io.github.skrl4j.testsupport.LoopbackCluster;
import io.github.skrl4j.testsupport.TestThreads;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * The data-parallel benchmark as users run replicas (not a test): two JVMs on loopback, each a Hazelcast
 * member that joins through {@link HazelcastCollectives#join} and calls {@code allReduceMean} in lockstep,
 * for 4,610 floats (the sample's policy), 1,048,576 floats in 4 tensors and 16,777,216 floats, in
 * plaintext, with mutual TLS on the JDK's engine ({@code tls}) and on BoringSSL's through netty-tcnative
 * ({@code tls-boringssl}); beside each, a raw exchange of the same bytes between the same two JVMs in the
 * same run (both directions at once: a plaintext {@code SocketChannel} pair with direct buffers, an
 * {@code SSLSocket} pair with the same SSL context, or a {@code SocketChannel} pair through BoringSSL's
 * {@code SSLEngine} with direct buffers ({@link RawEngineTls}); up to 64 KiB each rank writes, then reads,
 * on its own thread, larger exchanges write on a second thread). Rank 0 times every round; the table shows
 * p50 and p99 over the measured rounds, and the bytes allocated per gradient byte over those rounds by
 * rank 0's calling thread, by the busiest other thread of rank 0 (a data-plane reader, say) and by all of
 * rank 0's threads (Hazelcast's heartbeats included), and, in a last column, which thread that busiest other
 * thread was (its name).
 *
 * <p>Run: {@code benchmarks/run.sh --data-parallel}, or after
 * {@code ./mvnw -B -q -pl adam-hazelcast -am test-compile} with the test class path:
 * {@code java -Xmx2g -cp ... io.github.skrl4j.adam.hazelcast.TwoJvmAllReduceBenchmark}. System properties
 * narrow a run down for a comparison or a profiler (the child JVM gets them, and this JVM's {@code -XX:}
 * options): {@code skrl4j.benchmark.modes}, {@code skrl4j.benchmark.floats}, {@code skrl4j.benchmark.rounds},
 * {@code skrl4j.benchmark.raw}, {@code skrl4j.benchmark.cpu} (below).
 */
public final class TwoJvmAllReduceBenchmark {

    /** An exchange this small fits the socket buffers both ways: each rank writes, then reads, on its own thread. */
    private static final int SMALL_BYTES = 64 * 1024;
    private static final char[] PASSWORD = "benchmark".toCharArray();
    /** {@code -Dskrl4j.benchmark.quick=true}: a few rounds of the two smaller cases, to check that every mode runs. */
    private static final boolean QUICK = Boolean.getBoolean("skrl4j.benchmark.quick");
    /** floats, tensors, warm-up rounds, measured rounds. */
    private static final int[][] CASES = selectedCases(QUICK ? new int[][] {{4_610, 1, 200, 200}, {1 << 20, 4, 5, 10}}
            : new int[][] {{4_610, 1, 2_000, 2_000}, {1 << 20, 4, 20, 60}, {1 << 24, 1, 3, 15}});
    /**
     * {@code -Dskrl4j.benchmark.cpu=true}: also print each rank's CPU time per measured round, by thread
     * and for the process (where an all-reduce's time goes, with no profiler).
     */
    private static final boolean CPU = Boolean.getBoolean("skrl4j.benchmark.cpu");
    /** {@code -Dskrl4j.benchmark.raw=false}: skip the raw exchanges (for a profiler that should see only the all-reduce). */
    private static final boolean RAW = Boolean.parseBoolean(System.getProperty("skrl4j.benchmark.raw", "true"));
    /** {@code -Dskrl4j.benchmark.modes=tls-boringssl,plaintext}: only these modes, in this order (default all three). */
    private static final List<String> MODES = List.of(System.getProperty("skrl4j.benchmark.modes",
            "plaintext,tls,tls-boringssl").split(","));

    private TwoJvmAllReduceBenchmark() {
    }

    /**
     * {@code -Dskrl4j.benchmark.floats=16777216}: only the cases of these sizes (comma-separated; default all);
     * {@code -Dskrl4j.benchmark.rounds=N}: N measured rounds per case instead of each case's own number.
     */
    private static int[][] selectedCases(int[][] cases) {
        String floats = System.getProperty("skrl4j.benchmark.floats", "");
        int rounds = Integer.getInteger("skrl4j.benchmark.rounds", 0);
        List<String> sizes = List.of(floats.split(","));
        return Arrays.stream(cases).filter(c -> floats.isEmpty() || sizes.contains(Integer.toString(c[0])))
                .map(c -> rounds > 0 ? new int[] {c[0], c[1], c[2], rounds} : c).toArray(int[][]::new);
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("child")) {
            child(args);
            return;
        }
        Path keys = Files.createTempDirectory("skrl4j-benchmark-keys");
        Path keystore = keys.resolve("replicas.p12");
        keytool(keystore);
        System.out.printf(Locale.ROOT, "| mode | floats | skrl4j p50 | skrl4j p99 | raw p50 | raw p99 | p50 ratio"
                + " | alloc/byte, calling thread | alloc/byte, busiest other thread | alloc/byte, all threads"
                + " | busiest other thread |%n"
                + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|%n");
        for (String mode : MODES) {
            String cluster = LoopbackCluster.newClusterName();
            int[] ports = LoopbackCluster.freePorts(3);
            Process child = startChild(mode, cluster, ports, keystore);
            HazelcastInstance member = Hazelcast.newHazelcastInstance(LoopbackCluster.config(cluster,
                    Arrays.copyOf(ports, 2), 0));
            try (ServerSocketChannel raw = ServerSocketChannel.open()) {
                raw.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), ports[2]));
                CompletableFuture<String> childOut = CompletableFuture.supplyAsync(() -> drain(child), TestThreads.PER_TASK);
                Collective collective = HazelcastCollectives.join(member, options(mode, keystore));
                for (int[] c : CASES) {
                    long[] mesh = allReduce(collective, c[0], c[1], c[2], c[3]);
                    long[] rawTimes = rawExchange(mode, keystore, raw, null, c[0] * 4, c[2], c[3]);
                    double gradientBytes = (double) c[0] * 4 * c[3];
                    System.out.printf(Locale.ROOT, "| %s | %,d%s | %s | %s | %s | %s | %.1fx | %.4f | %.4f | %.4f | %s |%n",
                            mode, c[0], c[1] > 1 ? " (" + c[1] + " tensors)" : "", micros(mesh, 50), micros(mesh, 99),
                            micros(rawTimes, 50), micros(rawTimes, 99),
                            (double) percentile(mesh, 50) / percentile(rawTimes, 50),
                            lastAllocation[0] / gradientBytes, lastAllocation[1] / gradientBytes,
                            lastAllocation[2] / gradientBytes, lastBusiestThread);
                }
                collective.close();
                String out = childOut.get(120, TimeUnit.SECONDS);
                if (CPU) {
                    out.lines().filter(l -> l.startsWith("cpu")).forEach(l -> System.out.println("rank 1 " + l));
                }
                if (!out.contains("CHILD DONE")) {
                    System.out.println("child failed:\n" + out);
                }
            } finally {
                child.destroyForcibly();
                member.getLifecycleService().terminate();
            }
        }
        System.out.println("load average: " + Files.readString(Path.of("/proc/loadavg")).trim());
    }

    private static HazelcastCollectiveOptions options(String mode, Path keystore) throws Exception {
        HazelcastCollectiveOptions options = HazelcastCollectiveOptions.of("benchmark", 2)
                .withJoinTimeout(Duration.ofSeconds(120)).withTimeout(Duration.ofSeconds(60));
        return switch (mode) {
            case "tls" -> options.withSslContext(sslContext(keystore));
            case "tls-boringssl" -> options.withTlsEngines(boringSsl(keystore));
            default -> options;
        };
    }

    /** Bytes allocated over the last measured rounds: [calling thread, busiest other thread, all threads]. */
    private static final long[] lastAllocation = new long[3];
    /** The name of the busiest other thread of the last measured rounds ({@code lastAllocation[1]}'s). */
    private static String lastBusiestThread = "none";

    private static long[] allReduce(Collective collective, int floats, int tensors, int warmUp, int rounds) {
        List<Tensor> parts = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(collective.rank());
        for (int t = 0; t < tensors; t++) {
            float[] values = new float[floats / tensors];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) random.nextDouble(-1, 1);
            }
            parts.add(Tensor.of("g" + t, values, values.length));
        }
        Tensors grad = Tensors.of(parts.toArray(Tensor[]::new));
        for (int i = 0; i < warmUp; i++) {
            collective.allReduceMean(grad);
        }
        long[] times = new long[rounds];
        long threadBefore = threadAllocated();
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] ids = threads.getAllThreadIds();
        long[] idsBefore = threads.getThreadAllocatedBytes(ids);
        long allBefore = allThreadsAllocated();
        long[] cpuBefore = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            cpuBefore[i] = threads.getThreadCpuTime(ids[i]);
        }
        long processBefore = processCpu();
        for (int i = 0; i < rounds; i++) {
            long start = System.nanoTime();
            collective.allReduceMean(grad);
            times[i] = System.nanoTime() - start;
        }
        lastAllocation[0] = threadAllocated() - threadBefore;
        if (CPU) {
            printCpu(threads, ids, cpuBefore, processBefore, floats, rounds);
        }
        long[] idsAfter = threads.getThreadAllocatedBytes(ids);
        long busiest = 0;
        int busiestIndex = -1;
        long self = Thread.currentThread().getId();
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] != self && idsBefore[i] >= 0 && idsAfter[i] >= 0 && idsAfter[i] - idsBefore[i] > busiest) {
                busiest = idsAfter[i] - idsBefore[i];
                busiestIndex = i;
            }
        }
        lastAllocation[1] = busiest;
        lastAllocation[2] = allThreadsAllocated() - allBefore;
        lastBusiestThread = busiestIndex < 0 ? "none" : threadName(threads, ids[busiestIndex]);
        return times;
    }

    /** A thread's name, looked up after the measurement so that the look-up's garbage is not counted. */
    private static String threadName(com.sun.management.ThreadMXBean threads, long id) {
        java.lang.management.ThreadInfo info = threads.getThreadInfo(id);
        return info != null ? info.getThreadName() : "thread " + id + " (ended since)";
    }

    /** This process's CPU time so far, in nanoseconds (all threads, the JVM's own included). */
    private static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** CPU milliseconds per round: of each thread that used more than 1 ms per round, and of the process. */
    private static void printCpu(com.sun.management.ThreadMXBean threads, long[] ids, long[] cpuBefore,
            long processBefore, int floats, int rounds) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "cpu ms per round, %,d floats:", floats));
        for (int i = 0; i < ids.length; i++) {
            long used = threads.getThreadCpuTime(ids[i]) - cpuBefore[i];
            java.lang.management.ThreadInfo info = threads.getThreadInfo(ids[i]);
            if (cpuBefore[i] >= 0 && info != null && used > rounds * 1_000_000L) {
                line.append(String.format(Locale.ROOT, " %s %.1f", info.getThreadName(), used / 1e6 / rounds));
            }
        }
        line.append(String.format(Locale.ROOT, ", process %.1f", (processCpu() - processBefore) / 1e6 / rounds));
        System.out.println(line);
    }

    /** Both ranks write {@code bytes} and read the other's at once, per round; rank 0 times each round. */
    private static long[] rawExchange(String mode, Path keystore, @org.jspecify.annotations.Nullable ServerSocketChannel server, @org.jspecify.annotations.Nullable InetSocketAddress peer,
            int bytes, int warmUp, int rounds) throws Exception {
        long[] times = new long[rounds];
        if (!RAW) {
            return times; // zeros: the table's raw columns are meaningless then
        }
        if (mode.equals("plaintext")) {
            try (SocketChannel channel = server != null ? server.accept() : SocketChannel.open(peer)) {
                ByteBuffer out = ByteBuffer.allocateDirect(bytes);
                ByteBuffer in = ByteBuffer.allocateDirect(bytes);
                for (int i = 0; i < warmUp + rounds; i++) {
                    long start = System.nanoTime();
                    out.clear();
                    in.clear();
                    if (bytes <= SMALL_BYTES) {
                        // fits the socket buffers: write, then read, on this thread (as a replica would)
                        while (out.hasRemaining()) {
                            channel.write(out);
                        }
                        while (in.hasRemaining()) {
                            if (channel.read(in) < 0) {
                                throw new java.io.EOFException();
                            }
                        }
                        if (i >= warmUp) {
                            times[i - warmUp] = System.nanoTime() - start;
                        }
                        continue;
                    }
                    CompletableFuture<Void> write = CompletableFuture.runAsync(() -> {
                        try {
                            while (out.hasRemaining()) {
                                channel.write(out);
                            }
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }, TestThreads.PER_TASK);
                    while (in.hasRemaining()) {
                        if (channel.read(in) < 0) {
                            throw new java.io.EOFException();
                        }
                    }
                    write.join();
                    if (i >= warmUp) {
                        times[i - warmUp] = System.nanoTime() - start;
                    }
                }
            }
            return times;
        }
        if (mode.equals("tls-boringssl")) {
            OpenSslTlsEngines engines = boringSsl(keystore);
            SocketChannel channel = server != null ? server.accept() : SocketChannel.open(peer);
            channel.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
            try (RawEngineTls tls = new RawEngineTls(channel, server != null ? engines.newServerEngine()
                    : engines.newClientEngine(peer))) {
                ByteBuffer out = ByteBuffer.allocateDirect(bytes);
                ByteBuffer in = ByteBuffer.allocateDirect(bytes);
                for (int i = 0; i < warmUp + rounds; i++) {
                    long start = System.nanoTime();
                    out.clear();
                    in.clear();
                    if (bytes <= SMALL_BYTES) {
                        tls.write(out);
                        tls.read(in);
                    } else {
                        CompletableFuture<Void> write = CompletableFuture.runAsync(() -> {
                            try {
                                tls.write(out);
                            } catch (java.io.IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                        }, TestThreads.PER_TASK);
                        tls.read(in);
                        write.join();
                    }
                    if (i >= warmUp) {
                        times[i - warmUp] = System.nanoTime() - start;
                    }
                }
            }
            return times;
        }
        SSLContext context = sslContext(keystore);
        Socket socket;
        if (server != null) {
            try (SSLServerSocket tlsServer = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 1,
                    InetAddress.getLoopbackAddress())) {
                tlsServer.setNeedClientAuth(true);
                tlsServer.setEnabledProtocols(new String[] {"TLSv1.3"});
                // tell the child where to connect, over the plaintext listener
                try (SocketChannel control = server.accept()) {
                    control.write(ByteBuffer.allocate(4).putInt(0, tlsServer.getLocalPort()));
                    socket = tlsServer.accept();
                }
            }
        } else {
            int port;
            try (SocketChannel control = SocketChannel.open(peer)) {
                ByteBuffer b = ByteBuffer.allocate(4);
                while (b.hasRemaining()) {
                    control.read(b);
                }
                port = b.getInt(0);
            }
            SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port);
            tls.setEnabledProtocols(new String[] {"TLSv1.3"});
            socket = tls;
        }
        try (Socket s = socket) {
            s.setTcpNoDelay(true);
            OutputStream out = s.getOutputStream();
            DataInputStream in = new DataInputStream(s.getInputStream());
            byte[] send = new byte[bytes];
            byte[] receive = new byte[bytes];
            for (int i = 0; i < warmUp + rounds; i++) {
                long start = System.nanoTime();
                if (bytes <= SMALL_BYTES) {
                    out.write(send);
                    out.flush();
                    in.readFully(receive);
                    if (i >= warmUp) {
                        times[i - warmUp] = System.nanoTime() - start;
                    }
                    continue;
                }
                CompletableFuture<Void> write = CompletableFuture.runAsync(() -> {
                    try {
                        out.write(send);
                        out.flush();
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }, TestThreads.PER_TASK);
                in.readFully(receive);
                write.join();
                if (i >= warmUp) {
                    times[i - warmUp] = System.nanoTime() - start;
                }
            }
        }
        return times;
    }

    /** Rank 1: the same rounds, in lockstep with rank 0. Arguments: child, mode, cluster, ports, keystore. */
    private static void child(String[] args) throws Exception {
        String mode = args[1];
        int[] ports = Arrays.stream(args[3].split(",")).mapToInt(Integer::parseInt).toArray();
        Path keystore = Path.of(args[4]);
        HazelcastInstance member = Hazelcast.newHazelcastInstance(LoopbackCluster.config(args[2],
                Arrays.copyOf(ports, 2), 1));
        try {
            Collective collective = HazelcastCollectives.join(member, options(mode, keystore));
            InetSocketAddress rawPeer = new InetSocketAddress(InetAddress.getLoopbackAddress(), ports[2]);
            for (int[] c : CASES) {
                allReduce(collective, c[0], c[1], c[2], c[3]);
                rawExchange(mode, keystore, null, rawPeer, c[0] * 4, c[2], c[3]);
            }
            collective.close();
            System.out.println("CHILD DONE");
        } finally {
            member.getLifecycleService().terminate();
        }
    }

    private static Process startChild(String mode, String cluster, int[] ports, Path keystore) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx1g");
        // the same cases, modules and -XX: options (a profiler's, say) as this JVM
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-") || a.startsWith("-XX:") || a.startsWith("-Dskrl4j.benchmark."))
                .toList());
        command.add("-Dskrl4j.benchmark.quick=" + QUICK);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(TwoJvmAllReduceBenchmark.class.getName());
        command.add("child");
        command.add(mode);
        command.add(cluster);
        command.add(ports[0] + "," + ports[1] + "," + ports[2]);
        command.add(keystore.toString());
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private static String drain(Process child) {
        StringBuilder all = new StringBuilder();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                all.append(line).append('\n');
            }
        } catch (java.io.IOException e) {
            all.append(e);
        }
        return all.toString();
    }

    private static void keytool(Path keystore) throws Exception {
        Process process = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool")
                .toString(), "-genkeypair", "-alias", "replica", "-keyalg", "EC", "-groupname", "secp256r1",
                "-validity", "2", "-dname", "CN=skrl4j-benchmark", "-storetype", "PKCS12", "-keystore",
                keystore.toString(), "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD)))
                .redirectErrorStream(true).start();
        process.getInputStream().transferTo(OutputStream.nullOutputStream());
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("keytool failed");
        }
    }

    /** Both replicas present the same key and trust its certificate. */
    private static SSLContext sslContext(Path keystore) throws Exception {
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(keyManagers(keystore).getKeyManagers(), trustManagers(keystore).getTrustManagers(), null);
        return context;
    }

    /** The same key and trust on BoringSSL's engines. */
    private static OpenSslTlsEngines boringSsl(Path keystore) throws Exception {
        return OpenSslTlsEngines.of(keyManagers(keystore), trustManagers(keystore));
    }

    private static KeyStore keyStore(Path keystore) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            keys.load(in, PASSWORD);
        }
        return keys;
    }

    private static KeyManagerFactory keyManagers(Path keystore) throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keyStore(keystore), PASSWORD);
        return kmf;
    }

    private static TrustManagerFactory trustManagers(Path keystore) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("replica", keyStore(keystore).getCertificate("replica"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        return tmf;
    }

    private static long threadAllocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    private static long allThreadsAllocated() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long total = 0;
        for (long bytes : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
            total += Math.max(0, bytes);
        }
        return total;
    }

    private static long percentile(long[] times, int p) {
        long[] sorted = times.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    private static String micros(long[] times, int p) {
        double us = percentile(times, p) / 1_000.0;
        return us < 1_000 ? String.format(Locale.ROOT, "%.0f us", us) : String.format(Locale.ROOT, "%.1f ms", us / 1_000);
    }
}
