package io.github.skrl4j.adam;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.skrl4j.testsupport.ChildJvm;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trainer in a crash loop: a child JVM resumes from its checkpoint and saves after every step
 * until it is killed with SIGKILL ({@link Process#destroyForcibly()}) in the middle of a save, ten
 * times over. The checkpoint always loads, to the count last saved (or the one being saved, when
 * the kill came after the rename), and temporary files do not pile up: at most the killed save's
 * own is left, and the next save removes it.
 */
@ChildJvm
class CheckpointCrashLoopTest {

    private static final int KILLS = 10;
    /** Parameters of the child's model: a matrix of 2 MiB, so a save writes a file of 4 MiB. */
    private static final int ROWS = 1024;
    private static final int COLUMNS = 512;
    /** The longest a child runs if its parent never kills it. */
    private static final long CHILD_LIFETIME_NANOS = TimeUnit.SECONDS.toNanos(60);

    @TempDir
    Path dir;

    /** The child: resume from the file (or start), then step and save until killed. */
    static final class SavingLoop {

        public static void main(String[] args) {
            Path target = Path.of(args[0]);
            Tensors params = model();
            Optimizer optimizer = Files.exists(target) ? Optimizer.load(target, params)
                    : Adam.builder().parallelism(1).build().init(params);
            float[] g = new float[ROWS * COLUMNS];
            for (int i = 0; i < g.length; i++) {
                g[i] = (float) Math.sin(i);
            }
            Tensors grad = Tensors.of(Tensor.of("w", g, ROWS, COLUMNS));
            PrintStream out = System.out;
            long deadline = System.nanoTime() + CHILD_LIFETIME_NANOS;
            while (System.nanoTime() < deadline) {
                optimizer.step(grad, params);
                out.println("saving " + optimizer.count());
                out.flush();
                optimizer.save(target);
                out.println("saved " + optimizer.count());
                out.flush();
            }
        }
    }

    static Tensors model() {
        return Tensors.of(Tensor.zeros("w", ROWS, COLUMNS));
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void killedSavesNeverCostTheCheckpointAndLeaveAtMostOneTemporaryFile() throws Exception {
        Path target = dir.resolve("trainer.safetensors");
        Adam.builder().build().init(model()).save(target);
        SplittableRandom random = new SplittableRandom(20261128);
        int killsDuringASave = 0;
        long lastSaved = 0;
        for (int kill = 0; kill < KILLS; kill++) {
            Path log = dir.resolve("child-" + kill + ".log");
            Path progress = dir.resolve("child-" + kill + ".out");
            List<Path> leftBefore = temporaries();
            Process child = startSavingLoop(target, progress, log);
            try {
                // one of the first few saves; every other time once its temporary file exists, so
                // that the write itself is interrupted, else at any moment after the save began
                int savesToStart = 1 + random.nextInt(3);
                boolean waitForTheTemporaryFile = kill % 2 == 0;
                while (count(progress, "saving ") < savesToStart
                        || (waitForTheTemporaryFile && leftBefore.containsAll(temporaries()))) {
                    assertThat(child.isAlive()).as("the child runs (its log: %s)", Files.readString(log)).isTrue();
                    Thread.sleep(1);
                }
                Thread.sleep(random.nextInt(waitForTheTemporaryFile ? 3 : 10));
                child.destroyForcibly();
                assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            } finally {
                child.destroyForcibly();
            }
            List<String> lines = Files.readAllLines(progress, UTF_8);
            long savedBefore = lastSaved;
            for (String line : lines) {
                if (line.startsWith("saved ")) {
                    lastSaved = Long.parseLong(line.substring("saved ".length()));
                }
            }
            boolean killedWhileSaving = lines.get(lines.size() - 1).startsWith("saving ");

            List<Path> temporaries = temporaries();
            assertThat(temporaries).as("after kill %d", kill).hasSizeLessThanOrEqualTo(1);
            if (!temporaries.isEmpty()) {
                killsDuringASave++;
                assertThat(killedWhileSaving).as("a temporary file is left only by a save that was killed").isTrue();
                assertOrdinaryMode(temporaries.get(0));
            }
            long loaded = Optimizer.load(target, model()).count();
            assertThat(loaded).as("after kill %d (the child saved %d last, %d before it started)", kill, lastSaved,
                    savedBefore).isIn(lastSaved, lastSaved + 1);
            lastSaved = loaded;
        }
        assertThat(killsDuringASave).as("kills that interrupted a save and left its temporary file").isPositive();

        Optimizer resumed = Optimizer.load(target, model());
        resumed.save(target);
        assertThat(temporaries()).as("after the next save").isEmpty();
        assertThat(Optimizer.load(target, model()).count()).isEqualTo(lastSaved);
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aSaveLeavesTheTemporaryFileThatAnotherProcessIsWritingAlone() throws Exception {
        Path target = dir.resolve("shared.safetensors");
        Adam.builder().build().init(model()).save(target);
        Path log = dir.resolve("child.log");
        Path progress = dir.resolve("child.out");
        Process child = startSavingLoop(target, progress, log);
        try {
            while (count(progress, "saved ") < 1) {
                assertThat(child.isAlive()).as("the child runs (its log: %s)", Files.readString(log)).isTrue();
                Thread.sleep(1);
            }
            Optimizer mine = Adam.builder().parallelism(1).build().init(model());
            long childSavesBefore = count(progress, "saved ");
            int saves = 0;
            // while the child's saves go on (both write most of the time, so the writes overlap)
            while (saves < 20 || count(progress, "saved ") < childSavesBefore + 10) {
                mine.save(target);
                saves++;
                assertThat(child.isAlive()).as("the child's saves go on (its log: %s)", Files.readString(log))
                        .isTrue();
            }
        } finally {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
        // the child's standard error holds the kernel's one INFO line and, if a save failed, its stack trace
        assertThat(Files.readString(log)).as("the child's errors").doesNotContain("Exception", "Error", "WARNING");
    }

    private static Process startSavingLoop(Path target, Path progress, Path log) throws IOException {
        // its output goes to a file, where every line written before a kill stays
        return new ProcessBuilder(javaExecutable(), "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), SavingLoop.class.getName(), target.toString())
                .redirectOutput(progress.toFile())
                .redirectError(log.toFile())
                .start();
    }

    private static long count(Path progress, String prefix) throws IOException {
        try (Stream<String> lines = Files.lines(progress, UTF_8)) {
            return lines.filter(line -> line.startsWith(prefix)).count();
        }
    }

    private List<Path> temporaries() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".tmp")).collect(Collectors.toList());
        }
    }

    private void assertOrdinaryMode(Path file) throws IOException {
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Path reference = Files.createFile(dir.resolve("reference-" + System.nanoTime()));
            Set<PosixFilePermission> expected = Files.getPosixFilePermissions(reference);
            Files.delete(reference);
            assertThat(Files.getPosixFilePermissions(file)).as("mode of %s", file).isEqualTo(expected);
        }
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
