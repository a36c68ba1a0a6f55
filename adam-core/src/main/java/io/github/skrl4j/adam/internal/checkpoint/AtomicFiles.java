package io.github.skrl4j.adam.internal.checkpoint;

import io.github.skrl4j.adam.CheckpointException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Replaces a file all at once: the content goes to a temporary file {@code .<name>.<random>.tmp} in
 * the same folder, is forced to the disk, and is renamed over the target. A crash or an error at any
 * point leaves the previous file as it was.
 *
 * <p>A crash also leaves its temporary file behind; the next write to the same target removes every
 * such leftover of that target (only names of exactly that form, never other files). A writer holds
 * a lock on its temporary file until the rename, so a leftover is told from a file that another
 * process is writing right now by whether its lock can be taken; within this JVM the writers are
 * known. A temporary file that another process's cleaner deleted before its writer locked it is
 * noticed at the rename, and that write starts over with a new one. On a file system without locks
 * every other temporary of the target counts as left over.
 *
 * <p>The files are created with the file system's default permissions, as any file that the JVM
 * creates (under POSIX, 0666 less the process's umask), so that another user's backup or Python
 * reader may read them where the umask allows it.
 */
final class AtomicFiles {

    private static final String TEMPORARY_SUFFIX = ".tmp";
    private static final int MAX_ATTEMPTS = 5;

    /** The temporary files this JVM is writing: never left over, and never to be opened by a cleaner. */
    private static final Set<Path> WRITING = ConcurrentHashMap.newKeySet();

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
        String name = absolute.getFileName().toString();
        removeLeftovers(folder, name);
        try {
            // Another process's cleaner can take a temporary file for a leftover in the moment between
            // its creation and its lock; the rename then finds it gone, and the write starts over.
            for (int attempt = 1; !writeOnce(folder, name, absolute, content); attempt++) {
                if (attempt == MAX_ATTEMPTS) {
                    throw new CheckpointException(target, "cannot be written: its temporary file was deleted by"
                            + " another process " + MAX_ATTEMPTS + " times in a row");
                }
            }
            forceFolder(folder);
        } catch (AtomicMoveNotSupportedException e) {
            throw new CheckpointException(target, "cannot be replaced atomically on this file system", e);
        } catch (IOException e) {
            throw new CheckpointException(target, "cannot be written: " + e, e);
        }
    }

    /** One write through a new temporary file; false if the temporary file vanished before the rename. */
    private static boolean writeOnce(Path folder, String name, Path target, Content content) throws IOException {
        Path temp = null;
        boolean renamed = false;
        try {
            FileChannel channel = null;
            while (channel == null) {
                temp = folder.resolve(temporaryName(name));
                // known before it exists, so that no cleaner in this JVM ever opens it
                WRITING.add(temp);
                try {
                    channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                } catch (FileAlreadyExistsException e) {
                    WRITING.remove(temp);
                }
            }
            try (FileChannel open = channel) {
                lock(open);
                content.writeTo(open);
                open.force(true);
                // renamed while the lock is held: a cleaner elsewhere never sees it unlocked
                try {
                    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (NoSuchFileException e) {
                    if (Files.exists(temp)) {
                        throw e;
                    }
                    return false;
                }
                renamed = true;
            }
            return true;
        } finally {
            if (temp != null) {
                try {
                    if (!renamed) {
                        Files.deleteIfExists(temp);
                    }
                } catch (IOException ignored) {
                    // the write already failed; that error is the one to report
                } finally {
                    WRITING.remove(temp);
                }
            }
        }
    }

    private static String temporaryName(String name) {
        return "." + name + "." + Long.toUnsignedString(ThreadLocalRandom.current().nextLong()) + TEMPORARY_SUFFIX;
    }

    /** True for {@code .<name>.<digits>.tmp}, the names {@link #temporaryName} gives (and earlier versions gave). */
    static boolean isTemporaryOf(String fileName, String name) {
        String prefix = "." + name + ".";
        int randomEnd = fileName.length() - TEMPORARY_SUFFIX.length();
        if (randomEnd <= prefix.length() || !fileName.startsWith(prefix) || !fileName.endsWith(TEMPORARY_SUFFIX)) {
            return false;
        }
        return fileName.substring(prefix.length(), randomEnd).chars().allMatch(c -> c >= '0' && c <= '9');
    }

    private static void lock(FileChannel channel) {
        try {
            channel.lock();
        } catch (IOException e) {
            // a file system without locks: the write goes on, unprotected from other processes' cleaners
        }
    }

    /** Deletes the temporary files of {@code name} that no writer holds, left by a crash. */
    private static void removeLeftovers(Path folder, String name) {
        try (DirectoryStream<Path> temporaries = Files.newDirectoryStream(folder,
                p -> isTemporaryOf(p.getFileName().toString(), name))) {
            for (Path temp : temporaries) {
                if (!WRITING.contains(temp)) {
                    deleteIfUnlocked(temp);
                }
            }
        } catch (IOException | DirectoryIteratorException e) {
            // a folder that cannot be listed: the write itself reports what is wrong with it
        }
    }

    private static void deleteIfUnlocked(Path temp) {
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                return; // locked by this JVM, through a channel opened elsewhere
            } catch (IOException e) {
                // no locks on this file system: nothing tells a live writer from a crashed one
                Files.deleteIfExists(temp);
                return;
            }
            if (lock != null) {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            // gone meanwhile, or not ours to delete: either way not this write's concern
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
