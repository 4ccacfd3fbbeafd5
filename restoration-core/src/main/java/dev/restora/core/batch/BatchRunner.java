package dev.restora.core.batch;

import dev.restora.core.RestoraException;
import dev.restora.core.diffusion.CancellationToken;
import dev.restora.core.diffusion.CancelledException;
import dev.restora.core.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a batch's items one after another through a {@link BatchItemProcessor}.
 *
 * <p>Each output is written to a hidden temporary file beside its final name and moved into place atomically, and
 * every start and finish is appended to a journal in the output folder ({@link BatchJournal}). A run that was killed
 * is resumed by running the same batch again: items the journal shows finished (their output present) are reported
 * as done by the earlier run, an item whose output appeared after it started (killed between the move and the journal
 * line) likewise, and the rest are processed; a stale temporary file is deleted before its item is redone. Failures
 * are reported per item and the batch goes on (unless {@link BatchPlan#continueOnError()} is false). The JSON and
 * CSV report is rewritten after every item.
 */
public final class BatchRunner {
    /** Marks the runner's temporary output files (never picked up as inputs). */
    public static final String TEMP_MARK = ".restora-tmp";
    public static final String DEFAULT_REPORT_NAME = "restora-batch-report.json";
    private static final Logger LOG = LoggerFactory.getLogger(BatchRunner.class);
    /** File systems with coarse modification times (FAT: 2 s) must still see a fresh output as fresh. */
    private static final long MTIME_SLACK_MILLIS = 2_000;

    private final BatchPlan plan;
    private final List<BatchItem> items;
    private final BatchItemProcessor processor;
    private BatchListener listener = BatchListener.NONE;
    private CancellationToken token = new CancellationToken();
    private Path reportFile;

    public BatchRunner(BatchPlan plan, List<BatchItem> items, BatchItemProcessor processor) {
        this.plan = Objects.requireNonNull(plan).validate();
        this.items = List.copyOf(items);
        this.processor = Objects.requireNonNull(processor);
    }

    public BatchRunner listener(BatchListener value) {
        this.listener = value == null ? BatchListener.NONE : value;
        return this;
    }

    /** Cancels the batch between items and inside the processor (which gets the same token). */
    public BatchRunner token(CancellationToken value) {
        this.token = Objects.requireNonNull(value);
        return this;
    }

    /** Where the JSON report goes (the CSV beside it); default {@code <output>/restora-batch-report.json}. */
    public BatchRunner reportFile(Path value) {
        this.reportFile = value;
        return this;
    }

    public Path reportFile() {
        return reportFile != null ? reportFile : outputFolder().resolve(DEFAULT_REPORT_NAME);
    }

    private Path outputFolder() {
        return Path.of(plan.output()).toAbsolutePath().normalize();
    }

    public BatchReport run() {
        String startedAt = Instant.now().toString();
        String fingerprint = shortHash(plan.fingerprint());
        List<ItemResult> results = new ArrayList<>();
        boolean stop = false;
        boolean cancelled = false;
        listener.started(items.size());
        try (BatchJournal journal = new BatchJournal(outputFolder())) {
            journal.open();
            deleteStaleTemporaries();
            for (BatchItem item : items) {
                ItemResult r;
                if (cancelled || token.isCancelled()) {
                    cancelled = true;
                    r = new ItemResult(item, item.output(), ItemState.CANCELLED, 0, null, false);
                } else if (stop) {
                    r = new ItemResult(item, item.output(), ItemState.NOT_RUN, 0, null, false);
                } else {
                    listener.itemStarted(item, items.size());
                    r = runItem(item, item.input() + "|" + item.output() + "|" + fingerprint, journal);
                    if (r.state() == ItemState.FAILED && !plan.continueOnError()) {
                        stop = true;
                    }
                    if (r.state() == ItemState.CANCELLED) {
                        cancelled = true;
                    }
                }
                results.add(r);
                listener.itemFinished(r, items.size());
                new BatchReport(plan, results, startedAt, null, false).write(reportFile());
            }
        }
        BatchReport report = new BatchReport(plan, results, startedAt, Instant.now().toString(), !cancelled);
        report.write(reportFile());
        listener.finished(report);
        return report;
    }

    private ItemResult runItem(BatchItem item, String key, BatchJournal journal) {
        BatchJournal.Line done = journal.done(key);
        if (done != null && done.output != null && Files.isRegularFile(Path.of(done.output))) {
            return new ItemResult(item, Path.of(done.output), ItemState.DONE, done.seconds, null, true);
        }
        BatchJournal.Line started = journal.started(key);
        if (started != null && started.output != null && isFresh(Path.of(started.output), started.at)) {
            // killed after the atomic move but before the "done" line: the output is complete
            journal.record(key, "done", Path.of(started.output), 0, null);
            return new ItemResult(item, Path.of(started.output), ItemState.DONE, 0, null, true);
        }
        Path target = item.output();
        if (Files.exists(target)) {
            switch (plan.effectiveOverwrite()) {
                case SKIP -> {
                    return new ItemResult(item, target, ItemState.SKIPPED, 0, null, false);
                }
                case RENAME -> target = nextFree(target);
                case OVERWRITE -> { }
                default -> throw new IllegalStateException();
            }
        }
        String name = target.getFileName().toString();
        Path tmp = target.resolveSibling("." + name + TEMP_MARK + "." + BatchNaming.extension(name));
        long t0 = System.nanoTime();
        try {
            Files.createDirectories(target.getParent());
            Files.deleteIfExists(tmp);
            journal.record(key, "started", target, 0, null);
            token.throwIfCancelled();
            processor.process(item, tmp, token);
            token.throwIfCancelled();
            if (!Files.isRegularFile(tmp) || Files.size(tmp) == 0) {
                throw new RestoraException(item.input() + ": the pipeline wrote no output");
            }
            AtomicFiles.moveIntoPlace(tmp, target);
            double secs = (System.nanoTime() - t0) / 1e9;
            journal.record(key, "done", target, secs, null);
            return new ItemResult(item, target, ItemState.DONE, secs, null, false);
        } catch (CancelledException e) {
            deleteQuietly(tmp);
            return new ItemResult(item, target, ItemState.CANCELLED, (System.nanoTime() - t0) / 1e9, null, false);
        } catch (Exception | OutOfMemoryError e) {
            deleteQuietly(tmp);
            String msg = message(item, e);
            LOG.warn("batch item {} failed: {}", item.input(), msg, e);
            double secs = (System.nanoTime() - t0) / 1e9;
            journal.record(key, "failed", target, secs, msg);
            return new ItemResult(item, target, ItemState.FAILED, secs, msg, false);
        }
    }

    /** Temporary outputs of a killed run (ours and the codecs' own, all carrying the mark); we hold the lock. */
    private void deleteStaleTemporaries() {
        try (Stream<Path> s = Files.walk(outputFolder())) {
            for (Path p : s.filter(p -> p.getFileName().toString().contains(TEMP_MARK)).toList()) {
                if (Files.isRegularFile(p)) {
                    LOG.info("deleting {} left by an interrupted run", p);
                    deleteQuietly(p);
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            LOG.warn("cannot clean temporary files in {}: {}", outputFolder(), e.toString());
        }
    }

    private static boolean isFresh(Path output, long startedAtMillis) {
        try {
            return Files.isRegularFile(output)
                    && Files.getLastModifiedTime(output).toMillis() >= startedAtMillis - MTIME_SLACK_MILLIS;
        } catch (IOException e) {
            return false;
        }
    }

    private static Path nextFree(Path target) {
        String name = target.getFileName().toString();
        String base = BatchNaming.baseName(name);
        String ext = BatchNaming.extension(name);
        for (int n = 2; ; n++) {
            Path p = target.resolveSibling(base + "_" + n + (ext.isEmpty() ? "" : "." + ext));
            if (!Files.exists(p)) {
                return p;
            }
        }
    }

    /** A user-facing message that names the input file. */
    public static String message(BatchItem item, Throwable e) {
        String m = e.getMessage();
        if (!(e instanceof RestoraException) || m == null) {
            m = e instanceof OutOfMemoryError ? "out of memory" : e instanceof IllegalArgumentException && m != null ? m
                    : e.getClass().getSimpleName() + (m != null ? ": " + m : "");
        }
        String file = item.input().getFileName().toString();
        return m.contains(file) ? m : item.input() + ": " + m;
    }

    private static String shortHash(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // best effort; the next run deletes it before redoing the item
        }
    }
}
