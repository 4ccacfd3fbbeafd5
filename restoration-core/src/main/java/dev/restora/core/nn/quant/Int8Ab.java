package dev.restora.core.nn.quant;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Exact versus int8 timing for the benchmarks: one warm-up each (unless both have run), then {@code pairs} alternations in one process (the
 * side going first alternates too), so a shared machine's changing load hits both alike. Reports the medians and
 * the ratio int8 / exact (below 1: int8 is faster).
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
        if (warmUp) {
            exact.run();
            int8.run();
        }
        double[] e = new double[pairs];
        double[] q = new double[pairs];
        for (int i = 0; i < pairs; i++) {
            boolean int8First = i % 2 == 1;
            if (int8First) {
                q[i] = time(int8);
                e[i] = time(exact);
            } else {
                e[i] = time(exact);
                q[i] = time(int8);
            }
            log.printf("%s: exact %.3f s, int8 %.3f s%n", name, e[i], q[i]);
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("pairs", pairs);
        r.put("exact_seconds", median(e));
        r.put("int8_seconds", median(q));
        r.put("ratio_int8_exact", median(q) / median(e));
        r.put("exact_runs", e);
        r.put("int8_runs", q);
        return r;
    }

    private static double time(Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        return (System.nanoTime() - t0) / 1e9;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
