package dev.restora.core.batch;

import com.google.gson.Gson;
import dev.restora.core.RestoraException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a batch's report as it runs, in time linear in the number of items: each finished item appends one CSV row
 * ({@code <report>.csv}) and one JSON line ({@code <report>.jsonl}), flushed, so a killed run leaves every finished
 * item on disk (the journal, not the report, is what resumes the batch). At the end the JSON report is written once,
 * atomically, and the JSON-lines file, then redundant, is deleted.
 */
final class BatchReportWriter implements AutoCloseable {
    private static final Gson GSON = new Gson();

    private final Path json;
    private final Path jsonl;
    private final BufferedWriter csv;
    private final BufferedWriter lines;

    /** Starts a fresh report: a new CSV with its header, an empty JSON-lines file; an older JSON report is removed. */
    BatchReportWriter(Path reportFile) {
        this.json = BatchReport.sibling(reportFile, ".json");
        this.jsonl = BatchReport.sibling(reportFile, ".jsonl");
        Path csvFile = BatchReport.sibling(reportFile, ".csv");
        try {
            Files.createDirectories(json.toAbsolutePath().getParent());
            Files.deleteIfExists(json);
            this.csv = Files.newBufferedWriter(csvFile, StandardCharsets.UTF_8);
            this.lines = Files.newBufferedWriter(jsonl, StandardCharsets.UTF_8);
            csv.write(BatchReport.CSV_HEADER);
            csv.flush();
        } catch (IOException e) {
            close();
            throw new RestoraException(reportFile + ": cannot write the batch report (" + e.getMessage() + ")", e);
        }
    }

    /** Appends one finished item. */
    void append(ItemResult r) {
        try {
            csv.write(BatchReport.csvRow(r));
            csv.flush();
            lines.write(GSON.toJson(BatchReport.item(r)));
            lines.write('\n');
            lines.flush();
        } catch (IOException e) {
            throw new RestoraException(json + ": cannot write the batch report (" + e.getMessage() + ")", e);
        }
    }

    /** Writes the whole JSON report once and drops the JSON-lines file. */
    void finish(BatchReport report) {
        close();
        BatchReport.writeAtomically(json, report.toJson());
        try {
            Files.deleteIfExists(jsonl);
        } catch (IOException ignored) {
            // harmless: it repeats what the JSON report holds
        }
    }

    @Override
    public void close() {
        closeQuietly(csv);
        closeQuietly(lines);
    }

    private static void closeQuietly(BufferedWriter w) {
        if (w != null) {
            try {
                w.close();
            } catch (IOException ignored) {
                // every line was flushed when written
            }
        }
    }
}
