package io.github.skrl4j.adam.internal.checkpoint;

import io.github.skrl4j.adam.CheckpointException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Replaces a file all at once: the content goes to a temporary file in the same folder, is forced
 * to the disk, and is renamed over the target. A crash or an error at any point leaves the previous
 * file as it was (and no temporary file behind, short of a crash).
 */
final class AtomicFiles {

    /** Writes a file's content through its channel. */
    @FunctionalInterface
    interface Content {
        void writeTo(FileChannel channel) throws IOException;
    }

    private AtomicFiles() {
    }

    /**
     * @throws CheckpointException naming the file if any step fails
     */
    static void write(Path target, Content content) {
        Path absolute = target.toAbsolutePath();
        Path folder = absolute.getParent();
        Path temp = null;
        try {
            temp = Files.createTempFile(folder, "." + absolute.getFileName() + ".", ".tmp");
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                content.writeTo(channel);
                channel.force(true);
            }
            Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            temp = null;
            forceFolder(folder);
        } catch (AtomicMoveNotSupportedException e) {
            throw new CheckpointException(target, "cannot be replaced atomically on this file system", e);
        } catch (IOException e) {
            throw new CheckpointException(target, "cannot be written: " + e, e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // the write already failed; that error is the one to report
                }
            }
        }
    }

    /** Makes the rename itself durable where the platform allows syncing a folder (POSIX does, Windows not). */
    private static void forceFolder(Path folder) {
        try (FileChannel dir = FileChannel.open(folder, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // the file is complete and renamed; only durability across a power loss is weaker here
        }
    }
}
