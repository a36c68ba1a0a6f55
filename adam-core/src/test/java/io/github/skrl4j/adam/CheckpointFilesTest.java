package io.github.skrl4j.adam;

import io.github.skrl4j.adam.testing.TrainingRun;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files a save leaves on the disk: their mode, and no temporary file a crash left behind. */
class CheckpointFilesTest {

    @TempDir
    Path dir;

    @Test
    void checkpointsHaveTheModeOfAnyFileTheJvmCreates() throws IOException {
        assumeThat(FileSystems.getDefault().supportedFileAttributeViews()).as("a POSIX file system").contains("posix");
        Path reference = Files.createFile(dir.resolve("reference"));
        Tensors params = TrainingRun.model();
        Path optimizerFile = dir.resolve("o.safetensors");
        Path paramsFile = dir.resolve("p.safetensors");
        Adam.builder().build().init(params).save(optimizerFile);
        params.save(paramsFile);
        // written again: the mode of a replaced file is that of its new temporary file
        params.save(paramsFile);

        assertThat(Files.getPosixFilePermissions(optimizerFile)).isEqualTo(Files.getPosixFilePermissions(reference));
        assertThat(Files.getPosixFilePermissions(paramsFile)).isEqualTo(Files.getPosixFilePermissions(reference));
    }

    @Test
    void aSaveRemovesWhatCrashedSavesOfTheSameTargetLeftAndNothingElse() throws IOException {
        Path target = dir.resolve("policy (1).safetensors");
        List<String> leftovers = List.of(".policy (1).safetensors.1234.tmp",
                ".policy (1).safetensors.18446744073709551615.tmp");
        List<String> others = List.of(
                ".other.safetensors.1234.tmp",          // another target's
                ".policy (1).safetensors.tmp",          // no random part
                ".policy (1).safetensors.12a4.tmp",     // not a number
                ".policy (1).safetensors.1.2.tmp",
                "policy (1).safetensors.1234.tmp",      // not hidden
                ".policy (1).safetensors.1234.tmp.bak",
                ".policy (1).safetensors.1234.TMP",
                ".policy.safetensors.1234.tmp",
                "notes.txt");
        for (String name : concat(leftovers, others)) {
            Files.writeString(dir.resolve(name), "left " + name);
        }

        Adam.builder().build().init(TrainingRun.model()).save(target);

        assertThat(fileNames()).containsExactlyInAnyOrderElementsOf(concat(List.of(target.getFileName().toString()),
                others));
        for (String name : others) {
            assertThat(Files.readString(dir.resolve(name))).isEqualTo("left " + name);
        }
        assertThat(Optimizer.load(target, TrainingRun.model()).count()).isZero();
    }

    @Test
    void tensorsSavesRemoveLeftoversToo() throws IOException {
        Path target = dir.resolve("p.safetensors");
        Files.writeString(dir.resolve(".p.safetensors.99.tmp"), "half a file");
        TrainingRun.model().save(target);
        assertThat(fileNames()).containsExactly("p.safetensors");
    }

    @Test
    void aTemporaryFileThatAWriterHoldsIsLeftAlone() throws IOException {
        Path target = dir.resolve("o.safetensors");
        Path inProgress = dir.resolve(".o.safetensors.42.tmp");
        Optimizer optimizer = Adam.builder().build().init(TrainingRun.model());
        try (FileChannel writer = FileChannel.open(inProgress, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE); FileLock lock = writer.lock()) {
            optimizer.save(target);
            assertThat(inProgress).exists();
        }
        // its writer gone, it is a leftover
        optimizer.save(target);
        assertThat(fileNames()).containsExactly("o.safetensors");
    }

    @Test
    void threadsSavingToTheSameTargetDoNotTakeEachOthersTemporaryFileForALeftover() throws Exception {
        Path target = dir.resolve("p.safetensors");
        Tensors params = Tensors.of(Tensor.zeros("w", 256, 256));
        ExecutorService threads = Executors.newFixedThreadPool(3);
        try {
            List<Future<?>> savers = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                savers.add(threads.submit(() -> {
                    for (int i = 0; i < 30; i++) {
                        params.save(target);
                    }
                    return null;
                }));
            }
            for (Future<?> saver : savers) {
                saver.get(60, TimeUnit.SECONDS); // rethrows a failed save
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(fileNames()).containsExactly("p.safetensors");
        assertThat(Tensors.load(target).contentEquals(params)).isTrue();
    }

    @Test
    void tensorsLoadRefusesAnOptimizerFileNamingTheMethodThatReadsIt() {
        Path file = dir.resolve("o.safetensors");
        Adam.builder().build().init(TrainingRun.model()).save(file);
        assertThatThrownBy(() -> Tensors.load(file))
                .isExactlyInstanceOf(CheckpointException.class)
                .hasMessageStartingWith(file + ": ")
                .hasMessageContaining("is an optimizer checkpoint")
                .hasMessageContaining("Optimizer.load(");
    }

    @Test
    void optimizerLoadRefusesATensorsFileNamingTheMethodThatReadsIt() {
        Path file = dir.resolve("p.safetensors");
        TrainingRun.model().save(file);
        assertThatThrownBy(() -> Optimizer.load(file, TrainingRun.model()))
                .isExactlyInstanceOf(CheckpointException.class)
                .hasMessageStartingWith(file + ": ")
                .hasMessageContaining("is not an optimizer checkpoint")
                .hasMessageContaining("Tensors.load(");
    }

    private List<String> fileNames() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).collect(Collectors.toList());
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return Stream.concat(a.stream(), b.stream()).collect(Collectors.toList());
    }
}
