package dev.restora.core.batch;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;
import dev.restora.core.RestoraException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The batch's progress log in the output folder ({@value #FILE_NAME}): one JSON line per event (an item started
 * with its chosen output, done, failed), appended and forced to disk, so a killed run can be resumed. A torn last
 * line (killed mid-write) is ignored. Items are keyed by input path and what the plan produces, so a changed
 * pipeline, model or parameters is a new batch.
 */
final class BatchJournal implements AutoCloseable {
    static final String FILE_NAME = ".restora-batch.journal";
    private static final Gson GSON = new Gson();

    static final class Line {
        String key;
        String event;
        String output;
        long at;
        double seconds;
        String error;
    }

    private final Path file;
    private final Map<String, Line> started = new HashMap<>();
    private final Map<String, Line> done = new HashMap<>();
    private FileChannel channel;

    BatchJournal(Path outputFolder) {
        this.file = outputFolder.resolve(FILE_NAME);
    }

    Path file() {
        return file;
    }

    /** Reads earlier runs' lines and opens the journal for appending. */
    void open() {
        try {
            Files.createDirectories(file.getParent());
            if (Files.isRegularFile(file)) {
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                for (String text : lines) {
                    Line l;
                    try {
                        l = GSON.fromJson(text, Line.class);
                    } catch (JsonParseException e) {
                        continue; // a line torn by a kill
                    }
                    if (l == null || l.key == null || l.event == null) {
                        continue;
                    }
                    switch (l.event) {
                        case "started" -> started.put(l.key, l);
                        case "done" -> done.put(l.key, l);
                        case "failed" -> done.remove(l.key);
                        default -> { }
                    }
                }
            }
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                channel = null;
                throw new RestoraException(file.getParent() + ": another batch is writing into this folder right now;"
                        + " wait for it to finish or choose another output folder");
            }
            if (channel.size() > 0) {
                append("\n"); // terminate a torn last line
            }
        } catch (IOException e) {
            throw new RestoraException(file + ": cannot open the batch journal (" + e.getMessage() + ")", e);
        }
    }

    Line done(String key) {
        return done.get(key);
    }

    Line started(String key) {
        return started.get(key);
    }

    void record(String key, String event, Path output, double seconds, String error) {
        Line l = new Line();
        l.key = key;
        l.event = event;
        l.output = output == null ? null : output.toString();
        l.at = System.currentTimeMillis();
        l.seconds = seconds;
        l.error = error;
        append(GSON.toJson(l) + "\n");
        if (event.equals("started")) {
            started.put(key, l);
        } else if (event.equals("done")) {
            done.put(key, l);
        }
    }

    private void append(String text) {
        try {
            ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                channel.write(b);
            }
            channel.force(false);
        } catch (IOException e) {
            throw new RestoraException(file + ": cannot write the batch journal (" + e.getMessage() + ")", e);
        }
    }

    @Override
    public void close() {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException ignored) {
            // nothing left to write
        }
    }
}
