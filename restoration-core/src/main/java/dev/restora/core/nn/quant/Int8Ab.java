package dev.restora.core.nn.quant;

import dev.restora.core.pipeline.AbTimer;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Exact versus int8 timing for the benchmarks ({@link AbTimer#alternate}): one warm-up each (unless both have run),
 * then {@code pairs} alternations in one process (the side going first alternates too), so a shared machine's
 * changing load hits both alike. Reports the medians and the ratio int8 / exact (below 1: int8 is faster).
 */
public final class Int8Ab {
    private Int8Ab() {
    }

    public static Map<String, Object> compare(int pairs, Runnable exact, Runnable int8, PrintStream log, String name) {
        return compare(pairs, true, exact, int8, log, name);
    }

    /** As above; {@code warmUp} false when both sides have run already (a whole run is costly). */
    public static Map<String, Object> compare(int pairs, boolean warmUp, Runnable exact, Runnable int8, PrintStream log,
                                              String name) {
        double[][] t = AbTimer.alternate(pairs, warmUp, exact, int8,
                (e, q) -> log.printf("%s: exact %.3f s, int8 %.3f s%n", name, e, q));
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("pairs", pairs);
        r.put("exact_seconds", AbTimer.median(t[0]));
        r.put("int8_seconds", AbTimer.median(t[1]));
        r.put("ratio_int8_exact", AbTimer.median(t[1]) / AbTimer.median(t[0]));
        r.put("exact_runs", t[0]);
        r.put("int8_runs", t[1]);
        return r;
    }
}
