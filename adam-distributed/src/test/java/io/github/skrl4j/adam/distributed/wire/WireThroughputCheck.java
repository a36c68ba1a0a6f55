package io.github.skrl4j.adam.distributed.wire;

import io.github.skrl4j.testsupport.TestThreads;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Callable;

/**
 * A quick look, not a benchmark (the formal one runs two JVMs later): two ranks as threads of one JVM
 * on loopback; the raw exchange of the same bytes over two plain SocketChannels with direct buffers,
 * then the mesh's exchange, a two-rank all-reduce over the mesh, and the small one-hop exchange, in
 * plaintext and TLS. Prints medians. Run with {@code java -cp ... WireThroughputCheck [rounds]}.
 */
public final class WireThroughputCheck {

    private static final int BIG = 16 << 20;
    private static final int SMALL = 4610;
    private static final int CHUNK = 1 << 18;

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        if (args.length > 1 && args[1].equals("small")) {
            small(rounds);
            return;
        }
        System.out.printf("raw exchange 16M floats: %.1f ms%n", median(rounds, () -> rawExchange(BIG * 4)));
        System.out.printf("raw exchange 4610 floats: %.1f us%n", median(rounds * 200, () -> rawSmall(SMALL * 4)) * 1000);
        Path dir = Files.createTempDirectory("wire-check");
        TestCertificates certs = new TestCertificates(dir);
        javax.net.ssl.SSLContext member = certs.member();
        System.out.printf("raw TLS exchange 16M floats: %.1f ms%n", median(rounds, () -> rawTlsExchange(member, BIG * 4)));
        System.out.printf("raw TLS exchange 4610 floats: %.1f us%n",
                median(rounds * 200, () -> rawTlsExchange(member, SMALL * 4)) * 1000);
        for (boolean tls : new boolean[] {false, true}) {
            WireOptions options = WireOptions.builder().sslContext(tls ? member : null).maxChunkFloats(CHUNK)
                    .maxBufferedFramesPerPeer(64).build();
            try (TestWorld world = new TestWorld(2, options)) {
                float[][] data = {new float[BIG], new float[BIG]};
                float[][] into = {new float[BIG], new float[BIG]};
                long[] op = {0};
                String mode = tls ? "TLS" : "plaintext";
                System.out.printf("%s mesh exchange 16M floats: %.1f ms%n", mode, median(rounds, () -> {
                    long o = ++op[0];
                    both(r -> exchange(world.rank(r), o, data[r], into[r], BIG));
                    return null;
                }));
                System.out.printf("%s mesh all-reduce 16M floats: %.1f ms%n", mode, median(rounds, () -> {
                    long o = ++op[0];
                    both(r -> allReduce(world.rank(r), o, data[r], BIG));
                    return null;
                }));
                double smallUs = median(rounds * 200, () -> {
                    long o = ++op[0];
                    both(r -> allReduce(world.rank(r), o, data[r], SMALL));
                    return null;
                }) * 1000;
                System.out.printf("%s mesh one-hop all-reduce 4610 floats: %.1f us%n", mode, smallUs);
                java.util.Map<String, Long> before = allocatedByThread();
                int repeats = 20;
                for (int i = 0; i < repeats; i++) {
                    long o = ++op[0];
                    both(r -> allReduce(world.rank(r), o, data[r], BIG));
                }
                java.util.Map<String, Long> after = allocatedByThread();
                double gradientBytes = (double) repeats * BIG * 4;
                after.forEach((name, bytes) -> {
                    long delta = bytes - before.getOrDefault(name, 0L);
                    if (delta > 0 && (name.startsWith("skrl4j-wire") || name.startsWith("main#"))) {
                        System.out.printf("%s   allocated by %s: %d B, %.5f B per gradient byte%n", mode, name, delta,
                                delta / gradientBytes);
                    }
                });
            }
        }
    }

    /**
     * Only the 4,610-float case, plaintext, as two replicas run it: each rank loops on its own thread in
     * lockstep (no hand-off per round); rank 0 times each round. Raw exchange and the mesh's one-hop
     * all-reduce, alternating, three times.
     */
    private static void small(int rounds) throws Exception {
        int n = rounds * 400;
        javax.net.ssl.SSLContext member = new TestCertificates(Files.createTempDirectory("wire-check")).member();
        for (boolean tls : new boolean[] {false, true}) {
        System.out.println(tls ? "TLS:" : "plaintext:");
        try (TestWorld world = new TestWorld(2, WireOptions.builder().maxChunkFloats(CHUNK)
                .sslContext(tls ? member : null).build())) {
            float[][] data = {new float[SMALL], new float[SMALL]};
            rawSmall(4); // opens the raw pair
            long[] op = {0};
            for (int i = 0; i < 3; i++) {
                System.out.printf("raw plaintext exchange 4610 floats, p50/p99 of %d: %s us%n", n, lockstep(n, r -> {
                    ByteBuffer out = rawBuffers[r][0].clear().limit(SMALL * 4);
                    while (out.hasRemaining()) {
                        rawPair[r].write(out);
                    }
                    ByteBuffer in = rawBuffers[r][1].clear().limit(SMALL * 4);
                    while (in.hasRemaining()) {
                        rawPair[r].read(in);
                    }
                }));
                long base = op[0];
                System.out.printf("mesh one-hop all-reduce 4610 floats, p50/p99 of %d: %s us%n", n,
                        lockstep(n, new Rank() {
                            long next0 = base;
                            long next1 = base;

                            @Override
                            public void run(int r) {
                                long o = r == 0 ? ++next0 : ++next1;
                                allReduce(world.rank(r), o, data[r], SMALL);
                            }
                        }));
                op[0] = base + n;
            }
        }
        }
    }

    /** Rank 1 runs {@code n} rounds on its own thread while rank 0 runs and times its {@code n}; the median in us. */
    private static String lockstep(int n, Rank body) throws Exception {
        Thread one = new Thread(() -> {
            try {
                for (int i = 0; i < n; i++) {
                    body.run(1);
                }
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        one.start();
        double[] us = new double[n];
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            body.run(0);
            us[i] = (System.nanoTime() - t) / 1e3;
        }
        one.join();
        double[] measured = Arrays.copyOfRange(us, n / 2, n); // the first half warms up
        Arrays.sort(measured);
        return String.format("%.1f / %.1f", measured[measured.length / 2], measured[measured.length * 99 / 100]);
    }

    interface Rank {
        void run(int rank) throws Exception;
    }

    private static void both(Rank body) throws Exception {
        CompletableFuture<Void> other = CompletableFuture.runAsync(() -> {
            try {
                body.run(1);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }, TestThreads.PER_TASK);
        body.run(0);
        other.get();
    }

    private static void exchange(PeerMesh mesh, long op, float[] data, float[] into, int n) {
        int peer = 1 - mesh.rank();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        int chunks = (n + CHUNK - 1) / CHUNK;
        for (int c = 0; c < chunks; c++) {
            mesh.send(peer, op, c, data, c * CHUNK, Math.min(CHUNK, n - c * CHUNK), deadline);
        }
        for (int c = 0; c < chunks; c++) {
            mesh.receive(peer, op, c, into, c * CHUNK, Math.min(CHUNK, n - c * CHUNK), deadline);
        }
    }

    /** Reduce-scatter then all-gather over two ranks (one hop for a single chunk: both own it and sum). */
    private static void allReduce(PeerMesh mesh, long op, float[] data, int n) {
        int rank = mesh.rank();
        int peer = 1 - rank;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        int chunks = (n + CHUNK - 1) / CHUNK;
        if (chunks == 1) { // one hop: both send everything, both sum in rank order
            mesh.send(peer, op, 0, data, 0, n, deadline);
            Received r = mesh.take(peer, op, 0, deadline);
            java.nio.FloatBuffer theirs = r.floats();
            for (int i = 0; i < n; i++) {
                float mine = data[i];
                float other = theirs.get(i);
                data[i] = (float) (rank == 0 ? (double) mine + other : (double) other + mine);
            }
            mesh.release(r);
            return;
        }
        for (int c = peer; c < chunks; c += 2) {
            mesh.send(peer, op, 2 * c, data, c * CHUNK, Math.min(CHUNK, n - c * CHUNK), deadline);
        }
        for (int c = rank; c < chunks; c += 2) {
            Received r = mesh.take(peer, op, 2 * c, deadline);
            java.nio.FloatBuffer theirs = r.floats();
            int base = c * CHUNK;
            int len = r.length();
            for (int i = 0; i < len; i++) {
                float mine = data[base + i];
                float other = theirs.get(i);
                data[base + i] = (float) (rank == 0 ? (double) mine + other : (double) other + mine);
            }
            mesh.release(r);
            mesh.send(peer, op, 2 * c + 1, data, base, len, deadline);
        }
        for (int c = peer; c < chunks; c += 2) {
            mesh.receive(peer, op, 2 * c + 1, data, c * CHUNK, Math.min(CHUNK, n - c * CHUNK), deadline);
        }
    }

    private static SocketChannel[] rawPair;
    private static ByteBuffer[][] rawBuffers = new ByteBuffer[2][2];

    /** Both ends write {@code bytes} and read the other's {@code bytes} at once (a writer and a reader thread each). */
    private static Void rawExchange(int bytes) throws Exception {
        if (rawPair == null) {
            ServerSocketChannel server = ServerSocketChannel.open()
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            SocketChannel a = SocketChannel.open(server.getLocalAddress());
            SocketChannel b = server.accept();
            a.socket().setTcpNoDelay(true);
            b.socket().setTcpNoDelay(true);
            rawPair = new SocketChannel[] {a, b};
            for (int i = 0; i < 2; i++) {
                rawBuffers[i][0] = ByteBuffer.allocateDirect(BIG * 4);
                rawBuffers[i][1] = ByteBuffer.allocateDirect(BIG * 4);
            }
        }
        Thread[] threads = new Thread[3];
        for (int i = 0; i < 2; i++) {
            int side = i;
            threads[i] = new Thread(() -> io(() -> {
                ByteBuffer out = rawBuffers[side][0].clear().limit(bytes);
                while (out.hasRemaining()) {
                    rawPair[side].write(out);
                }
                return null;
            }));
        }
        threads[2] = new Thread(() -> io(() -> {
            ByteBuffer in1 = rawBuffers[1][1].clear().limit(bytes);
            while (in1.hasRemaining()) {
                rawPair[1].read(in1);
            }
            return null;
        }));
        for (Thread t : threads) {
            t.start();
        }
        ByteBuffer in0 = rawBuffers[0][1].clear().limit(bytes);
        while (in0.hasRemaining()) {
            rawPair[0].read(in0);
        }
        for (Thread t : threads) {
            t.join();
        }
        return null;
    }

    /** Small exchanges fit the socket buffers: each end writes, then reads, on the two rank threads. */
    private static Void rawSmall(int bytes) throws Exception {
        if (rawPair == null) {
            rawExchange(4);
        }
        both(r -> {
            ByteBuffer out = rawBuffers[r][0].clear().limit(bytes);
            while (out.hasRemaining()) {
                rawPair[r].write(out);
            }
            ByteBuffer in = rawBuffers[r][1].clear().limit(bytes);
            while (in.hasRemaining()) {
                rawPair[r].read(in);
            }
        });
        return null;
    }

    private static java.util.Map<String, Long> allocatedByThread() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)
                java.lang.management.ManagementFactory.getThreadMXBean();
        java.util.Map<String, Long> bytes = new java.util.HashMap<>();
        for (java.lang.management.ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null) {
                bytes.put(info.getThreadName() + "#" + info.getThreadId(),
                        threads.getThreadAllocatedBytes(info.getThreadId()));
            }
        }
        return bytes;
    }

    private static javax.net.ssl.SSLSocket[] tlsPair;
    private static byte[][] tlsBuffers;

    /** The same exchange over a pair of SSLSockets (TLSv1.3) with heap arrays: what TLS itself costs here. */
    private static Void rawTlsExchange(javax.net.ssl.SSLContext context, int bytes) throws Exception {
        if (tlsPair == null) {
            javax.net.ssl.SSLServerSocket server = (javax.net.ssl.SSLServerSocket) context.getServerSocketFactory()
                    .createServerSocket(0, 1, InetAddress.getLoopbackAddress());
            server.setNeedClientAuth(true);
            CompletableFuture<java.net.Socket> accepted = CompletableFuture.supplyAsync(() -> {
                try {
                    java.net.Socket s = server.accept();
                    ((javax.net.ssl.SSLSocket) s).startHandshake();
                    return s;
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }, TestThreads.PER_TASK);
            javax.net.ssl.SSLSocket a = (javax.net.ssl.SSLSocket) context.getSocketFactory()
                    .createSocket(InetAddress.getLoopbackAddress(), server.getLocalPort());
            a.startHandshake();
            tlsPair = new javax.net.ssl.SSLSocket[] {a, (javax.net.ssl.SSLSocket) accepted.get()};
            System.out.println("TLS: " + a.getSession().getProtocol() + " " + a.getSession().getCipherSuite());
            tlsBuffers = new byte[][] {new byte[BIG * 4], new byte[BIG * 4], new byte[BIG * 4], new byte[BIG * 4]};
        }
        Thread[] threads = new Thread[3];
        for (int i = 0; i < 2; i++) {
            int side = i;
            threads[i] = new Thread(() -> io(() -> {
                tlsPair[side].getOutputStream().write(tlsBuffers[side], 0, bytes);
                return null;
            }));
        }
        threads[2] = new Thread(() -> io(() -> {
            readFully(tlsPair[1], tlsBuffers[3], bytes);
            return null;
        }));
        for (Thread t : threads) {
            t.start();
        }
        readFully(tlsPair[0], tlsBuffers[2], bytes);
        for (Thread t : threads) {
            t.join();
        }
        return null;
    }

    private static void readFully(java.net.Socket s, byte[] into, int bytes) throws java.io.IOException {
        int at = 0;
        while (at < bytes) {
            int n = s.getInputStream().read(into, at, bytes - at);
            if (n < 0) {
                throw new java.io.EOFException();
            }
            at += n;
        }
    }

    private static Object io(Callable<Object> body) {
        try {
            return body.call();
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }

    /** Median milliseconds of {@code rounds} runs after as many warm-up runs. */
    private static double median(int rounds, Callable<Void> body) throws Exception {
        double[] ms = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            body.call();
        }
        for (int i = 0; i < rounds; i++) {
            long t = System.nanoTime();
            body.call();
            ms[i] = (System.nanoTime() - t) / 1e6;
        }
        Arrays.sort(ms);
        return ms[rounds / 2];
    }
}
