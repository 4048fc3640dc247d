package io.greenlang.scada.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {

    private static final long MAX = 64 * 1024;
    private static final String THIRD = "third, half written when the process died";

    @TempDir
    Path dir;

    @Test
    void shouldGiveRecordsBackInAppendOrderAcrossSegmentsAndRestarts() throws IOException {
        List<String> expected = new ArrayList<>();
        try (Spool spool = Spool.open(dir, MAX)) {
            for (int i = 0; i < 300; i++) {
                String record = "record-" + i + "-" + "x".repeat(i % 37 * 5);
                assertThat(spool.append(bytes(record))).isTrue();
                expected.add(record);
            }
            assertThat(segments()).as("the records span several segments").hasSizeGreaterThan(2);
            assertThat(strings(spool.peek(10, Long.MAX_VALUE))).containsExactlyElementsOf(expected.subList(0, 10));
            spool.remove(120);
        }
        try (Spool spool = Spool.open(dir, MAX)) {
            assertThat(spool.corruptions()).isEmpty();
            assertThat(spool.records()).isEqualTo(180);
            List<String> read = new ArrayList<>();
            while (!spool.isEmpty()) {
                List<byte[]> chunk = spool.peek(7, 200);
                read.addAll(strings(chunk));
                spool.remove(chunk.size());
            }
            assertThat(read).containsExactlyElementsOf(expected.subList(120, 300));
            assertThat(spool.bytes()).isZero();
        }
    }

    @Test
    void shouldRefuseRecordsBeyondTheBoundAndTakeThemAgainOnceSpaceIsFreed() throws IOException {
        try (Spool spool = Spool.open(dir, MAX)) {
            byte[] record = new byte[1000];
            int accepted = 0;
            while (spool.append(record)) {
                accepted++;
            }
            assertThat(accepted).isBetween(55, 64);
            assertThat(diskUse()).isLessThanOrEqualTo(MAX);
            assertThat(spool.append(new byte[990])).as("a record of the same size no longer fits").isFalse();
            assertThat(spool.records()).isEqualTo(accepted);
        }
    }

    @Test
    void shouldRefuseRecordsWhenFullAndAcceptAgainAfterAConsumedSegmentIsDeleted() throws IOException {
        try (Spool spool = Spool.open(dir, MAX)) {
            byte[] record = new byte[1000];
            while (spool.append(record)) {
                // fill
            }
            long full = spool.records();
            assertThat(spool.append(new byte[990])).isFalse();
            assertThat(spool.records()).isEqualTo(full);

            spool.remove(10); // more than one 8 KiB segment
            assertThat(spool.append(record)).isTrue();
            assertThat(spool.records()).isEqualTo(full - 10 + 1);
        }
    }

    @Test
    void shouldGiveTheDiskBackWhenEverythingWasRemoved() throws IOException {
        try (Spool spool = Spool.open(dir, MAX)) {
            for (int i = 0; i < 40; i++) {
                spool.append(new byte[500]);
            }
            spool.remove(40);
            assertThat(spool.isEmpty()).isTrue();
            assertThat(diskUse()).isEqualTo(8);
            assertThat(spool.peek(10, Long.MAX_VALUE)).isEmpty();
        }
    }

    @Test
    void shouldNotGiveRemovedRecordsBackAfterARestart() throws IOException {
        try (Spool spool = Spool.open(dir, MAX)) {
            for (int i = 0; i < 5; i++) {
                spool.append(bytes("r" + i));
            }
            spool.remove(2);
        }
        try (Spool spool = Spool.open(dir, MAX)) {
            assertThat(strings(spool.peek(10, Long.MAX_VALUE))).containsExactly("r2", "r3", "r4");
        }
    }

    @Test
    void shouldReportARecordCutShortByACrashAndKeepTheOnesBeforeIt() throws IOException {
        try (Spool spool = Spool.open(dir, MAX)) {
            spool.append(bytes("first"));
            spool.append(bytes("second"));
            spool.append(bytes(THIRD));
        }
        Path segment = segments().get(0);
        truncate(segment, Files.size(segment) - 10);

        try (Spool spool = Spool.open(dir, MAX)) {
            assertThat(spool.corruptions()).singleElement().satisfies(c -> {
                assertThat(c.segment()).isEqualTo(segment);
                assertThat(c.reason()).contains("cut short");
                assertThat(c.bytesDropped()).isEqualTo(Spool.RECORD_OVERHEAD + THIRD.length() - 10);
            });
            assertThat(spool.records()).isEqualTo(2);
            // appends go on after the last intact record
            spool.append(bytes("fourth"));
            assertThat(strings(spool.peek(10, Long.MAX_VALUE))).containsExactly("first", "second", "fourth");
        }
        try (Spool spool = Spool.open(dir, MAX)) {
            assertThat(spool.corruptions()).as("the cut is reported once, not on every start").isEmpty();
            assertThat(spool.records()).isEqualTo(3);
        }
    }

    @Test
    void shouldReportARecordHeaderCutShort() throws IOException {
        try (Spool spool = Spool.open(dir, MAX)) {
            spool.append(bytes("first"));
            spool.append(bytes("second"));
        }
        Path segment = segments().get(0);
        truncate(segment, 8 + 8 + 5 + 3);

        try (Spool spool = Spool.open(dir, MAX)) {
            assertThat(spool.corruptions()).singleElement()
                    .satisfies(c -> assertThat(c.reason()).contains("header cut short"));
            assertThat(strings(spool.peek(10, Long.MAX_VALUE))).containsExactly("first");
        }
    }

    @Test
    void shouldReportARecordWhoseBytesChanged() throws IOException {
        try (Spool spool = Spool.open(dir, MAX)) {
            spool.append(bytes("first"));
            spool.append(bytes("second"));
        }
        Path segment = segments().get(0);
        try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
            file.seek(Files.size(segment) - 2);
            file.write('X');
        }

        try (Spool spool = Spool.open(dir, MAX)) {
            assertThat(spool.corruptions()).singleElement()
                    .satisfies(c -> assertThat(c.reason()).contains("checksum"));
            assertThat(strings(spool.peek(10, Long.MAX_VALUE))).containsExactly("first");
        }
    }

    @Test
    void shouldRefuseASecondSpoolOnTheSameDirectory() throws IOException {
        try (Spool spool = Spool.open(dir, MAX)) {
            assertThat(spool.directory()).isEqualTo(dir);
            assertThatThrownBy(() -> Spool.open(dir, MAX)).isInstanceOf(IOException.class)
                    .hasMessageContaining("in use");
        }
    }

    @Test
    void shouldRefuseToRemoveMoreRecordsThanWait() throws IOException {
        try (Spool spool = Spool.open(dir, MAX)) {
            spool.append(bytes("only"));
            assertThatThrownBy(() -> spool.remove(2)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith("segment-")).sorted().toList();
        }
    }

    private long diskUse() throws IOException {
        long total = 0;
        for (Path p : segments()) {
            total += Files.size(p);
        }
        return total;
    }

    private static void truncate(Path file, long size) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(size);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> strings(List<byte[]> records) {
        return records.stream().map(r -> new String(r, StandardCharsets.UTF_8)).toList();
    }
}
