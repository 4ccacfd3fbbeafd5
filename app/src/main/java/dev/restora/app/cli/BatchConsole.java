package dev.restora.app.cli;

import dev.restora.core.batch.BatchItem;
import dev.restora.core.batch.BatchItemProcessor;
import dev.restora.core.batch.BatchListener;
import dev.restora.core.batch.BatchPlan;
import dev.restora.core.batch.BatchReport;
import dev.restora.core.batch.BatchRunner;
import dev.restora.core.batch.ItemResult;
import dev.restora.core.batch.ItemState;
import dev.restora.core.batch.RestoreBatch;
import dev.restora.core.diffusion.CancellationToken;
import dev.restora.core.restore.RestoreResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * Runs a prepared {@link RestoreBatch} through its {@link BatchRunner} for {@code restore} and {@code batch}, printing
 * a progress display per item and one line per finished item: the output with pipeline, model, seed and time, or
 * {@code error: } and the message naming the file (its stack trace only with {@code --verbose}).
 */
final class BatchConsole implements BatchListener {
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean verbose;
    private final AtomicReference<ProgressPrinter> progress = new AtomicReference<>();
    private final Map<Path, RestoreResult> results = new HashMap<>();

    private BatchConsole(PrintWriter out, PrintWriter err, boolean verbose) {
        this.out = out;
        this.err = err;
        this.verbose = verbose;
    }

    /**
     * Runs the batch; Ctrl-C cancels it cleanly.
     *
     * @param seed      the seed for every item, or -1 for one picked per item (printed)
     * @param configure sets the runner's options (report, resumable) before it runs
     */
    @SuppressWarnings("try") // the interrupt hook is only held open for the run
    static BatchReport run(RestoreBatch batch, BatchPlan plan, long seed, boolean quiet,
                           boolean verbose, PrintWriter out, PrintWriter err, UnaryOperator<BatchRunner> configure) {
        BatchConsole console = new BatchConsole(out, err, verbose);
        boolean terminal = System.console() != null;
        int total = batch.items().size();
        BatchItemProcessor processor = batch.processor(seed, item -> {
            if (quiet) {
                return null;
            }
            ProgressPrinter p = new ProgressPrinter(err, terminal, label(item, total));
            console.progress.set(p);
            return p;
        }, r -> console.results.put(r.input(), r));
        CancellationToken token = new CancellationToken();
        BatchRunner r = configure.apply(new BatchRunner(plan, batch.items(), processor).token(token)
                .listener(console));
        try (CancelOnInterrupt ignored = new CancelOnInterrupt(token::cancel)) {
            return r.run();
        }
    }

    private static String label(BatchItem item, int total) {
        String name = item.input().getFileName().toString();
        return total > 1 ? "(" + (item.index() + 1) + "/" + total + ") " + name : name;
    }

    @Override
    public void itemFailed(BatchItem item, Throwable error) {
        endProgress();
        if (verbose) {
            error.printStackTrace(err);
        }
    }

    @Override
    public void itemFinished(ItemResult r, int total) {
        endProgress();
        String head = (total > 1 ? "(" + (r.item().index() + 1) + "/" + total + ") " : "") + r.item().input();
        switch (r.state()) {
            case DONE -> {
                RestoreResult rr = results.remove(r.item().input());
                out.printf(Locale.ROOT, "%s -> %s  (%s)%n", head, r.output(), r.earlierRun()
                        ? "done in an earlier run" : rr == null ? String.format(Locale.ROOT, "%.1f s", r.seconds())
                        : String.format(Locale.ROOT, "pipeline %s, model %s, %s%.1f s", rr.pipelineId(),
                        rr.modelId(), rr.seeded() ? "seed " + rr.seed() + ", " : "", r.seconds()));
            }
            case SKIPPED -> out.println(head + ": skipped, " + r.output() + " exists");
            case FAILED -> err.println("error: " + r.error());
            case CANCELLED -> err.println(head + ": cancelled (no output written)");
            case NOT_RUN -> err.println(head + ": not run (stopped at an earlier error)");
            default -> { }
        }
        out.flush();
        err.flush();
    }

    private void endProgress() {
        ProgressPrinter p = progress.getAndSet(null);
        if (p != null) {
            p.finish();
        }
    }

    /** The exit code of a finished batch. */
    static int exitCode(BatchReport report) {
        if (report.count(ItemState.CANCELLED) > 0) {
            return ExitCodes.CANCELLED;
        }
        return report.hasFailures() ? ExitCodes.FAILED : ExitCodes.OK;
    }
}
