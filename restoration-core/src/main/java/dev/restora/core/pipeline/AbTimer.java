package dev.restora.core.pipeline;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A/B timing of one piece of work with a boolean system property off (A, the old path) and on (B, the new path),
 * alternating A and B in the same process so that a shared machine's changing load hits both alike. Reports the
 * medians and the ratio B / A (below 1: the new path is faster). Used by the benchmarks with
 * {@code -Drestora.bench.ab=PROPERTY}.
 */
public final class AbTimer {
    /** System property naming the boolean property to compare off/on (for example {@code restora.nn.channelsLast}). */
    public static final String PROPERTY = "restora.bench.ab";

    private AbTimer() {
    }

    /** The property to compare, or null when no A/B comparison was asked for. */
    public static String requested() {
        String p = System.getProperty(PROPERTY);
        return p == null || p.isBlank() ? null : p;
    }

    /**
     * One warm-up of each side, then {@code pairs} alternations (the side going first alternates too).
     *
     * @return {@code property}, {@code pairs}, {@code off_seconds}, {@code on_seconds} (medians), {@code ratio_on_off}
     *     and every timed run
     */
    public static Map<String, Object> compare(String property, int pairs, Runnable work, PrintStream log, String name) {
        String saved = System.getProperty(property);
        double[] off = new double[pairs];
        double[] on = new double[pairs];
        try {
            run(property, false, work);
            run(property, true, work);
            for (int i = 0; i < pairs; i++) {
                boolean firstOn = i % 2 == 1;
                double a = run(property, firstOn, work);
                double b = run(property, !firstOn, work);
                off[i] = firstOn ? b : a;
                on[i] = firstOn ? a : b;
                log.printf("%s A/B %s: off %.3f s, on %.3f s%n", name, property, off[i], on[i]);
            }
        } finally {
            if (saved == null) {
                System.clearProperty(property);
            } else {
                System.setProperty(property, saved);
            }
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("property", property);
        r.put("pairs", pairs);
        r.put("off_seconds", median(off));
        r.put("on_seconds", median(on));
        r.put("ratio_on_off", median(on) / median(off));
        r.put("off_runs", off);
        r.put("on_runs", on);
        return r;
    }

    private static double run(String property, boolean value, Runnable work) {
        System.setProperty(property, Boolean.toString(value));
        long t0 = System.nanoTime();
        work.run();
        return (System.nanoTime() - t0) / 1e9;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
