package io.greenlang.executor.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The files of one attempt in the worker's state directory ({@code attempts/<run>/<step>.<attempt>/}) and how
 * each is written. Every file is either written whole under a temporary name and renamed (so a reader never sees
 * half of one), or created exclusively (markers whose first writer wins).
 *
 * <pre>
 * launch.json  LaunchRecord, by the executor, before the process is started
 * pid          "&lt;pid&gt; &lt;start epoch ms&gt;" of the wrapper shell, by the executor, right after the start
 * started      the wrapper's pid, by the wrapper, as its first act and before the agent runs
 * exit-code    the agent's exit status, by the wrapper, once the agent has ended
 * stopped      "timeout" or "cancelled", by the executor, before it kills the process tree
 * reported     by the executor once the worker has durably reported the end
 * logs.txt     the agent's stdout and stderr (the file itself is the process's output, not a pipe)
 * work/        the agent's working directory
 * </pre>
 */
final class AttemptFolder {

    static final String LAUNCH = "launch.json";
    static final String PID = "pid";
    static final String STARTED = "started";
    static final String EXIT_CODE = "exit-code";
    static final String STOPPED = "stopped";
    static final String REPORTED = "reported";
    static final String LOGS = "logs.txt";
    static final String WORK = "work";

    /** The files of a launch, deleted when a recorded launch turns out never to have started a process. */
    private static final List<String> LAUNCH_FILES = List.of(PID, STARTED, EXIT_CODE, STOPPED, REPORTED, LAUNCH);

    private final Path dir;

    AttemptFolder(Path dir) {
        this.dir = dir;
    }

    Path dir() {
        return dir;
    }

    Path logs() {
        return dir.resolve(LOGS);
    }

    Path work() {
        return dir.resolve(WORK);
    }

    boolean hasLaunch() {
        return Files.isRegularFile(dir.resolve(LAUNCH));
    }

    boolean isReported() {
        return Files.exists(dir.resolve(REPORTED));
    }

    boolean hasExitCode() {
        return Files.exists(dir.resolve(EXIT_CODE));
    }

    /** Creates the folder and the work directory, and removes what a launch that never ran left behind. */
    void prepareForLaunch() throws IOException {
        Files.createDirectories(work());
        for (String name : LAUNCH_FILES) {
            Files.deleteIfExists(dir.resolve(name));
        }
    }

    /** Forgets a launch that never started a process (so that the redelivered command launches it). */
    void forgetLaunch() {
        try {
            for (String name : LAUNCH_FILES) {
                Files.deleteIfExists(dir.resolve(name));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear " + dir, e);
        }
    }

    void writeLaunch(LaunchRecord record) throws IOException {
        writeAtomically(LAUNCH, record.toJson(), true);
    }

    LaunchRecord readLaunch() throws IOException {
        return LaunchRecord.parse(Files.readAllBytes(dir.resolve(LAUNCH)));
    }

    void writePid(long pid, Optional<Instant> start) throws IOException {
        String text = pid + " " + start.map(i -> Long.toString(i.toEpochMilli())).orElse("-") + "\n";
        writeAtomically(PID, text.getBytes(StandardCharsets.US_ASCII), false);
    }

    /** The wrapper's pid and start time as recorded by the executor. */
    Optional<PidRecord> readPid() {
        return readText(PID).flatMap(text -> {
            String[] parts = text.trim().split(" ");
            try {
                long pid = Long.parseLong(parts[0]);
                Optional<Instant> start = parts.length > 1 && !parts[1].equals("-")
                        ? Optional.of(Instant.ofEpochMilli(Long.parseLong(parts[1]))) : Optional.empty();
                return Optional.of(new PidRecord(pid, start));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        });
    }

    /** The wrapper's pid as it recorded it before running the agent. */
    OptionalLong readStarted() {
        Optional<String> text = readText(STARTED);
        if (text.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(text.get().trim()));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    Optional<Integer> readExitCode() {
        return readText(EXIT_CODE).flatMap(text -> {
            try {
                return Optional.of(Integer.parseInt(text.trim()));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        });
    }

    Optional<Instant> exitCodeTime() {
        return modified(EXIT_CODE);
    }

    /**
     * Records why the executor stops the attempt, unless a reason is recorded already.
     *
     * @return the recorded reason (the first one)
     */
    String markStopped(String reason) throws IOException {
        try {
            createExclusively(STOPPED, reason);
            return reason;
        } catch (FileAlreadyExistsException e) {
            return stoppedReason().orElse(reason);
        }
    }

    Optional<String> stoppedReason() {
        return readText(STOPPED).map(String::trim);
    }

    Optional<Instant> stoppedTime() {
        return modified(STOPPED);
    }

    /** Marks the attempt reported; false when it was before (a re-report after a restart: the first time stands). */
    boolean markReported() throws IOException {
        try {
            createExclusively(REPORTED, Instant.now().toString());
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        }
    }

    Optional<Instant> reportedTime() {
        return modified(REPORTED);
    }

    /**
     * The end of {@code logs.txt}, at most {@code maxBytes}, with a first line saying how much was left out.
     */
    String logsTail(int maxBytes) {
        Path file = logs();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            long from = Math.max(0, size - maxBytes);
            ByteBuffer buffer = ByteBuffer.allocate((int) (size - from));
            channel.position(from);
            while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                // read until the buffer is full or the file ends
            }
            String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
            return from == 0 ? text : "[... " + from + " earlier bytes left out ...]\n" + text;
        } catch (NoSuchFileException e) {
            return "";
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private Optional<String> readText(String name) {
        try {
            return Optional.of(Files.readString(dir.resolve(name), StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir.resolve(name), e);
        }
    }

    private Optional<Instant> modified(String name) {
        try {
            return Optional.of(Files.getLastModifiedTime(dir.resolve(name)).toInstant());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir.resolve(name), e);
        }
    }

    private void createExclusively(String name, String content) throws IOException {
        try (FileChannel channel = FileChannel.open(dir.resolve(name), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap((content + "\n").getBytes(StandardCharsets.UTF_8)));
            channel.force(true);
        }
    }

    /**
     * Writes under a temporary name, optionally forces it to disk, then renames: a reader sees the old file or the
     * whole new one. Forcing matters only for a machine crash (a killed process loses nothing it wrote).
     */
    private void writeAtomically(String name, byte[] content, boolean force) throws IOException {
        Path tmp = dir.resolve(name + ".tmp");
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            if (force) {
                channel.force(true);
            }
        }
        Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public String toString() {
        return dir.toString();
    }

    /**
     * The wrapper shell's identity.
     *
     * @param pid   its process id
     * @param start its start time, when the platform tells it
     */
    record PidRecord(long pid, Optional<Instant> start) {
    }
}
