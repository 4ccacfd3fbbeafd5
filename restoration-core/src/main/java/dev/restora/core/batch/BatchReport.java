package dev.restora.core.batch;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import dev.restora.core.RestoraException;
import dev.restora.core.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The per-item outcome of a batch, written as JSON and CSV. */
public final class BatchReport {
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls()
            .create();

    private final BatchPlan plan;
    private final List<ItemResult> results;
    private final String startedAt;
    private final String finishedAt;
    private final boolean complete;

    public BatchReport(BatchPlan plan, List<ItemResult> results, String startedAt, String finishedAt, boolean complete) {
        this.plan = plan;
        this.results = List.copyOf(results);
        this.startedAt = startedAt;
        this.finishedAt = finishedAt;
        this.complete = complete;
    }

    public List<ItemResult> results() {
        return results;
    }

    /** True once every item has reached a final state (the batch ran to its end, possibly with failures). */
    public boolean complete() {
        return complete;
    }

    public long count(ItemState state) {
        return results.stream().filter(r -> r.state() == state).count();
    }

    public boolean hasFailures() {
        return count(ItemState.FAILED) > 0;
    }

    public String summary() {
        return String.format(Locale.ROOT, "%d items: %d done, %d skipped, %d failed%s%s", results.size(),
                count(ItemState.DONE), count(ItemState.SKIPPED), count(ItemState.FAILED),
                count(ItemState.CANCELLED) > 0 ? ", " + count(ItemState.CANCELLED) + " cancelled" : "",
                count(ItemState.NOT_RUN) > 0 ? ", " + count(ItemState.NOT_RUN) + " not run" : "");
    }

    public String toJson() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("version", 1);
        root.put("pipeline", plan.pipeline());
        root.put("model", plan.model());
        root.put("output", plan.output());
        if (!plan.routes().isEmpty()) {
            // a batch without one pipeline: which pipeline and model each media kind went to
            Map<String, Object> routes = new LinkedHashMap<>();
            plan.routes().forEach((kind, r) -> routes.put(kind.name().toLowerCase(Locale.ROOT),
                    Map.of("pipeline", r.pipeline(), "model", r.model() == null ? "" : r.model())));
            root.put("routes", routes);
        }
        root.put("startedAt", startedAt);
        root.put("finishedAt", finishedAt);
        root.put("complete", complete);
        Map<String, Long> counts = new LinkedHashMap<>();
        for (ItemState s : ItemState.values()) {
            counts.put(s.name().toLowerCase(Locale.ROOT), count(s));
        }
        root.put("counts", counts);
        List<Map<String, Object>> items = new ArrayList<>();
        for (ItemResult r : results) {
            items.add(item(r));
        }
        root.put("items", items);
        return GSON.toJson(root);
    }

    /** One item as the JSON report (and the JSON-lines file written while the batch runs) holds it. */
    static Map<String, Object> item(ItemResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("index", r.item().index());
        m.put("input", r.item().input().toString());
        m.put("output", r.output() == null ? null : r.output().toString());
        m.put("state", r.state().name());
        m.put("seconds", Math.round(r.seconds() * 1000) / 1000.0);
        m.put("error", r.error());
        m.put("earlierRun", r.earlierRun());
        return m;
    }

    static final String CSV_HEADER = "index,input,output,state,seconds,error\n";

    /** One CSV row (with its line end). */
    static String csvRow(ItemResult r) {
        return r.item().index() + "," + csv(r.item().input().toString()) + ","
                + csv(r.output() == null ? "" : r.output().toString()) + "," + r.state().name() + ","
                + String.format(Locale.ROOT, "%.3f", r.seconds()) + "," + csv(r.error() == null ? "" : r.error())
                + "\n";
    }

    public String toCsv() {
        StringBuilder sb = new StringBuilder(CSV_HEADER);
        for (ItemResult r : results) {
            sb.append(csvRow(r));
        }
        return sb.toString();
    }

    private static String csv(String s) {
        if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
            return "\"" + s.replace("\"", "\"\"") + "\"";
        }
        return s;
    }

    /**
     * Writes the JSON report to {@code jsonFile} and the CSV beside it ({@code .csv} instead of {@code .json});
     * a file named {@code .csv} gets the JSON beside it likewise. Both written atomically.
     */
    public void write(Path file) {
        writeAtomically(sibling(file, ".json"), toJson());
        writeAtomically(sibling(file, ".csv"), toCsv());
    }

    /** The report file with another extension ({@code .json}, {@code .csv}, {@code .jsonl}). */
    static Path sibling(Path file, String extension) {
        String base = file.getFileName().toString().replaceFirst("\\.(json|csv|jsonl)$", "");
        return file.resolveSibling(base + extension);
    }

    static void writeAtomically(Path file, String text) {
        try {
            AtomicFiles.writeString(file, text);
        } catch (IOException e) {
            throw new RestoraException(file + ": cannot write the batch report (" + e.getMessage() + ")", e);
        }
    }
}
