package io.greenlang.scada.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bounded FIFO of byte records in one directory, kept across restarts of the process.
 *
 * <p>Format: segment files {@code segment-<20-digit number>.log}, each starting with the 8-byte magic
 * {@code GLSPOOL1}, then records {@code [int length][int CRC32C of the payload][payload]} (big-endian). Records are
 * appended to the last segment, which rolls over at the segment size; {@code head.pos} holds the segment and
 * offset of the first record not yet removed ({@code [long segment][long offset][int CRC32C]}). A fully consumed
 * segment is deleted; the directory is locked while a spool is open.
 *
 * <p>Durability: an appended record is in the file system when {@link #append} returns, so a crash of the process
 * loses nothing; the segment is forced to the device at most once a second (and on roll-over and close), so a
 * power failure can lose up to the last second of appends, which the checksums then report. The head position
 * is written without forcing, so after a crash a few removed records may come back (at-least-once, never fewer).
 *
 * <p>Recovery: {@link #open} checks every record's length and checksum. A record cut short by a crash during an
 * append, or one whose bytes changed, is never skipped silently: the segment is truncated before it and the
 * loss is returned by {@link #corruptions()} (and logged), for the owner to report. Records after a corrupt one
 * in the same segment cannot be framed and are part of that loss; later segments are kept.
 *
 * <p>The bound is on disk use: {@link #append} refuses a record (returns false) when the segment files would
 * exceed {@code maxBytes}. Not thread-safe: one thread appends, peeks and removes; {@link #records()} and
 * {@link #bytes()} may be read from any thread.
 */
public final class Spool implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Spool.class);

    /** Bytes of a segment's magic. */
    static final int MAGIC_BYTES = 8;
    /** Bytes of a record's length and checksum. */
    public static final int RECORD_OVERHEAD = 8;
    private static final byte[] MAGIC = "GLSPOOL1".getBytes(StandardCharsets.US_ASCII);
    private static final Pattern SEGMENT = Pattern.compile("segment-(\\d{20})\\.log");
    private static final String HEAD_FILE = "head.pos";
    private static final String LOCK_FILE = "spool.lock";
    private static final int HEAD_BYTES = 20;
    /** Segments never grow beyond this, so a consumed one frees disk early during a long drain. */
    private static final long MAX_SEGMENT_BYTES = 16L * 1024 * 1024;
    private static final long MIN_SEGMENT_BYTES = 4096;
    private static final long FORCE_INTERVAL_NANOS = 1_000_000_000L;

    private final Path directory;
    private final long maxBytes;
    private final long segmentBytes;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final FileChannel headChannel;
    private final Deque<Segment> segments = new ArrayDeque<>();
    private final List<Corruption> corruptions;
    private final AtomicLong records = new AtomicLong();
    private final AtomicLong recordBytes = new AtomicLong();
    private long diskBytes;
    private long headOffset;
    private FileChannel tail;
    private FileChannel reader;
    private long readerSegment = -1;
    private long lastForce = System.nanoTime();
    private boolean closed;

    /** A region of a segment that could not be read back, found (and cut off) when the spool was opened. */
    public record Corruption(Path segment, long offset, long bytesDropped, String reason) {
    }

    private static final class Segment {
        final long number;
        final Path path;
        long size;

        Segment(long number, Path path, long size) {
            this.number = number;
            this.path = path;
            this.size = size;
        }
    }

    private Spool(Path directory, long maxBytes, FileChannel lockChannel, FileLock lock) throws IOException {
        this.directory = directory;
        this.maxBytes = maxBytes;
        this.segmentBytes = Math.max(MIN_SEGMENT_BYTES, Math.min(MAX_SEGMENT_BYTES, maxBytes / 8));
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.headChannel = FileChannel.open(directory.resolve(HEAD_FILE), StandardOpenOption.CREATE,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
        this.corruptions = List.copyOf(recover());
    }

    /**
     * Opens (creating if needed) the spool in {@code directory}, checking every record on disk.
     *
     * @param directory where the segments live; locked until {@link #close()}
     * @param maxBytes  most bytes the segment files may take, at least 64 KiB
     * @return the open spool
     * @throws IOException if the directory cannot be created, read or locked (another spool has it open)
     */
    public static Spool open(Path directory, long maxBytes) throws IOException {
        if (maxBytes < 64 * 1024) {
            throw new IllegalArgumentException("A spool needs at least 64 KiB, not " + maxBytes + " bytes");
        }
        Files.createDirectories(directory);
        FileChannel lockChannel = FileChannel.open(directory.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            lockChannel.close();
            throw new IOException("The spool " + directory + " is in use by another process or bridge");
        }
        try {
            return new Spool(directory, maxBytes, lockChannel, lock);
        } catch (IOException | RuntimeException e) {
            lock.release();
            lockChannel.close();
            throw e;
        }
    }

    /** The spool's directory. */
    public Path directory() {
        return directory;
    }

    /** The bound on disk use given to {@link #open}. */
    public long maxBytes() {
        return maxBytes;
    }

    /** Records appended and not yet removed. */
    public long records() {
        return records.get();
    }

    /** Bytes of the records not yet removed, framing included. */
    public long bytes() {
        return recordBytes.get();
    }

    /** Bytes the segment files may still grow by (a record takes {@link #RECORD_OVERHEAD} more than its payload). */
    public long free() {
        return maxBytes - diskBytes;
    }

    /** Whether no record waits. */
    public boolean isEmpty() {
        return records.get() == 0;
    }

    /** What {@link #open} had to cut off; empty when every record read back intact. */
    public List<Corruption> corruptions() {
        return corruptions;
    }

    /**
     * Appends a record after the others.
     *
     * @param payload the record
     * @return false, appending nothing, when the segment files would exceed the bound
     * @throws IOException if writing fails (the record is then not in the spool)
     */
    public boolean append(byte[] payload) throws IOException {
        return append(payload, 0);
    }

    /**
     * Appends a record after the others unless that would leave less than {@code keepFree} bytes below the bound
     * (room kept for a record that must still fit later, such as a report of what did not).
     *
     * @param payload  the record
     * @param keepFree bytes that must stay free after this record
     * @return false, appending nothing, when the record does not fit
     * @throws IOException if writing fails (the record is then not in the spool)
     */
    public boolean append(byte[] payload, long keepFree) throws IOException {
        ensureOpen();
        long size = RECORD_OVERHEAD + (long) payload.length;
        Segment last = segments.getLast();
        boolean roll = last.size > MAGIC_BYTES && last.size + size > segmentBytes;
        if (diskBytes + size + (roll ? MAGIC_BYTES : 0) + keepFree > maxBytes) {
            return false;
        }
        if (roll) {
            last = newSegment(last.number + 1);
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) size);
        buffer.putInt(payload.length).putInt(crc(payload)).put(payload).flip();
        try {
            writeFully(tail, buffer, last.size);
            if (System.nanoTime() - lastForce >= FORCE_INTERVAL_NANOS) {
                tail.force(false);
                lastForce = System.nanoTime();
            }
        } catch (IOException e) {
            tail.truncate(last.size);
            throw e;
        }
        last.size += size;
        diskBytes += size;
        records.incrementAndGet();
        recordBytes.addAndGet(size);
        return true;
    }

    /**
     * The first records in order, without removing them.
     *
     * @param maxRecords at most this many
     * @param maxBytes   at most about this many payload bytes (the first record is returned whatever its size)
     * @return the records; empty when none waits
     * @throws IOException if reading fails
     */
    public List<byte[]> peek(int maxRecords, long maxBytes) throws IOException {
        ensureOpen();
        List<byte[]> out = new ArrayList<>();
        long total = 0;
        Iterator<Segment> it = segments.iterator();
        Segment segment = it.next();
        long offset = headOffset;
        long wanted = Math.min(maxRecords, records.get());
        while (out.size() < wanted) {
            while (offset >= segment.size) {
                segment = it.next();
                offset = MAGIC_BYTES;
            }
            byte[] record = readPayload(segment, offset);
            if (!out.isEmpty() && total + record.length > maxBytes) {
                break;
            }
            out.add(record);
            total += record.length;
            offset += RECORD_OVERHEAD + record.length;
        }
        return out;
    }

    /**
     * Removes the first {@code count} records (after they were delivered), deleting consumed segments.
     *
     * @param count how many; at most {@link #records()}
     * @throws IOException if reading the record headers or writing the head position fails
     */
    public void remove(int count) throws IOException {
        ensureOpen();
        if (count < 0 || count > records.get()) {
            throw new IllegalArgumentException("Cannot remove " + count + " of " + records.get() + " records");
        }
        for (int i = 0; i < count; i++) {
            dropConsumedHeadSegment();
            Segment head = segments.getFirst();
            int length = readLength(head, headOffset);
            headOffset += RECORD_OVERHEAD + length;
            records.decrementAndGet();
            recordBytes.addAndGet(-(RECORD_OVERHEAD + (long) length));
        }
        dropConsumedHeadSegment();
        if (records.get() == 0) {
            // nothing waits: start the last segment afresh so the disk is given back
            Segment last = segments.getLast();
            diskBytes -= last.size - MAGIC_BYTES;
            tail.truncate(MAGIC_BYTES);
            last.size = MAGIC_BYTES;
            headOffset = MAGIC_BYTES;
        }
        writeHead();
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        IOException failure = null;
        try {
            tail.force(false);
        } catch (IOException e) {
            failure = e;
        }
        for (AutoCloseable c : new AutoCloseable[] {reader, tail, headChannel}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                failure = failure == null ? new IOException("Closing the spool " + directory + " failed", e) : failure;
            }
        }
        lock.release();
        lockChannel.close();
        if (failure != null) {
            throw failure;
        }
    }

    // ------------------------------------------------------------------ internals

    /** Deletes the head segment when every record in it was removed and a later segment exists. */
    private void dropConsumedHeadSegment() throws IOException {
        while (segments.size() > 1 && headOffset >= segments.getFirst().size) {
            Segment done = segments.removeFirst();
            if (readerSegment == done.number) {
                reader.close();
                reader = null;
                readerSegment = -1;
            }
            Files.deleteIfExists(done.path);
            diskBytes -= done.size;
            headOffset = MAGIC_BYTES;
        }
    }

    private byte[] readPayload(Segment segment, long offset) throws IOException {
        int length = readLength(segment, offset);
        ByteBuffer payload = ByteBuffer.allocate(length);
        readFully(channel(segment), payload, offset + RECORD_OVERHEAD);
        return payload.array();
    }

    private int readLength(Segment segment, long offset) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(RECORD_OVERHEAD);
        readFully(channel(segment), header, offset);
        return header.getInt(0);
    }

    private FileChannel channel(Segment segment) throws IOException {
        if (readerSegment != segment.number) {
            if (reader != null) {
                reader.close();
            }
            reader = FileChannel.open(segment.path, StandardOpenOption.READ);
            readerSegment = segment.number;
        }
        return reader;
    }

    private Segment newSegment(long number) throws IOException {
        Path path = directory.resolve(String.format("segment-%020d.log", number));
        if (tail != null) {
            tail.force(false);
            tail.close();
        }
        tail = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        writeFully(tail, ByteBuffer.wrap(MAGIC), 0);
        tail.force(true);
        Segment segment = new Segment(number, path, MAGIC_BYTES);
        segments.addLast(segment);
        diskBytes += MAGIC_BYTES;
        return segment;
    }

    private static void writeFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long p = position;
        while (buffer.hasRemaining()) {
            p += channel.write(buffer, p);
        }
    }

    private void writeHead() throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(HEAD_BYTES);
        buffer.putLong(segments.getFirst().number).putLong(headOffset);
        buffer.putInt(crc(Arrays.copyOf(buffer.array(), 16))).flip();
        writeFully(headChannel, buffer, 0);
    }

    private Optional<long[]> readHead() throws IOException {
        if (headChannel.size() == 0) {
            return Optional.empty();
        }
        ByteBuffer buffer = ByteBuffer.allocate(HEAD_BYTES);
        if (headChannel.size() != HEAD_BYTES) {
            LOG.warn("spool {}: {} has {} bytes instead of {}; re-sending from the first segment", directory,
                    HEAD_FILE, headChannel.size(), HEAD_BYTES);
            return Optional.empty();
        }
        readFully(headChannel, buffer, 0);
        if (crc(Arrays.copyOf(buffer.array(), 16)) != buffer.getInt(16)) {
            LOG.warn("spool {}: {} fails its checksum; re-sending from the first segment", directory, HEAD_FILE);
            return Optional.empty();
        }
        return Optional.of(new long[] {buffer.getLong(0), buffer.getLong(8)});
    }

    private List<Corruption> recover() throws IOException {
        List<Segment> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path path : (Iterable<Path>) files::iterator) {
                Matcher m = SEGMENT.matcher(path.getFileName().toString());
                if (m.matches()) {
                    found.add(new Segment(Long.parseLong(m.group(1)), path, Files.size(path)));
                }
            }
        }
        found.sort((a, b) -> Long.compare(a.number, b.number));
        Optional<long[]> head = readHead();
        long headSegment = head.map(h -> h[0]).orElse(found.isEmpty() ? 0 : found.get(0).number);
        headOffset = head.map(h -> h[1]).orElse((long) MAGIC_BYTES);
        List<Corruption> cut = new ArrayList<>();
        for (Segment segment : found) {
            if (segment.number < headSegment) {
                // consumed before the last stop, not yet deleted
                Files.delete(segment.path);
                continue;
            }
            long from = segment.number == headSegment ? headOffset : MAGIC_BYTES;
            scan(segment, from, cut);
            segments.addLast(segment);
            diskBytes += segment.size;
        }
        if (segments.isEmpty() || segments.getFirst().number != headSegment) {
            headOffset = MAGIC_BYTES;
        } else {
            headOffset = Math.max(MAGIC_BYTES, Math.min(headOffset, segments.getFirst().size));
        }
        if (segments.isEmpty()) {
            newSegment(headSegment);
        } else {
            Segment last = segments.getLast();
            tail = FileChannel.open(last.path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        }
        writeHead();
        if (records.get() > 0) {
            LOG.info("spool {}: {} records ({} bytes) waiting from before the last stop", directory, records.get(),
                    recordBytes.get());
        }
        return cut;
    }

    /** Validates a segment's records, counting those from {@code from} on; truncates it at the first bad one. */
    private void scan(Segment segment, long from, List<Corruption> cut) throws IOException {
        try (FileChannel channel = FileChannel.open(segment.path, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            long size = channel.size();
            ByteBuffer magic = ByteBuffer.allocate(MAGIC_BYTES);
            if (size < MAGIC_BYTES || !readAvailable(channel, magic, 0)
                    || !Arrays.equals(magic.array(), MAGIC)) {
                cut.add(corrupt(segment, 0, size, "the segment does not start with the spool's magic"));
                channel.truncate(0);
                writeFully(channel, ByteBuffer.wrap(MAGIC), 0);
                channel.force(true);
                segment.size = MAGIC_BYTES;
                return;
            }
            long position = MAGIC_BYTES;
            ByteBuffer header = ByteBuffer.allocate(RECORD_OVERHEAD);
            while (position < size) {
                String problem = null;
                header.clear();
                if (size - position < RECORD_OVERHEAD) {
                    problem = "a record header cut short (" + (size - position) + " of 8 bytes)";
                } else {
                    readFully(channel, header, position);
                    int length = header.getInt(0);
                    if (length < 0 || position + RECORD_OVERHEAD + length > size) {
                        problem = "a record cut short (length " + length + ", " + (size - position - RECORD_OVERHEAD)
                                + " bytes on disk)";
                    } else {
                        ByteBuffer payload = ByteBuffer.allocate(length);
                        readFully(channel, payload, position + RECORD_OVERHEAD);
                        if (crc(payload.array()) != header.getInt(4)) {
                            problem = "a record whose checksum does not match its bytes";
                        } else {
                            if (position >= from) {
                                records.incrementAndGet();
                                recordBytes.addAndGet(RECORD_OVERHEAD + (long) length);
                            }
                            position += RECORD_OVERHEAD + length;
                        }
                    }
                }
                if (problem != null) {
                    cut.add(corrupt(segment, position, size - position, problem));
                    channel.truncate(position);
                    channel.force(true);
                    size = position;
                }
            }
            segment.size = size;
        }
    }

    private Corruption corrupt(Segment segment, long offset, long bytes, String reason) {
        Corruption c = new Corruption(segment.path, offset, bytes, reason);
        LOG.error("spool {}: {} at offset {} of {}; {} bytes from there on cannot be read back and were cut off",
                directory, reason, offset, segment.path.getFileName(), bytes);
        return c;
    }

    private static boolean readAvailable(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long p = position;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, p);
            if (n < 0) {
                return false;
            }
            p += n;
        }
        return true;
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        if (!readAvailable(channel, buffer, position)) {
            throw new IOException("Unexpected end of spool file at " + position);
        }
    }

    private static int crc(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        return (int) crc.getValue();
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("The spool " + directory + " is closed");
        }
    }
}
