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
        double[][] t;
        try {
            t = alternate(pairs, true, () -> {
                System.setProperty(property, "false");
                work.run();
            }, () -> {
                System.setProperty(property, "true");
                work.run();
            }, (off, on) -> log.printf("%s A/B %s: off %.3f s, on %.3f s%n", name, property, off, on));
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
        r.put("off_seconds", median(t[0]));
        r.put("on_seconds", median(t[1]));
        r.put("ratio_on_off", median(t[1]) / median(t[0]));
        r.put("off_runs", t[0]);
        r.put("on_runs", t[1]);
        return r;
    }

    /** Receives the two timings (seconds) of each pair as it ends. */
    public interface PairLog {
        void pair(double a, double b);
    }

    /**
     * Times {@code a} and {@code b} {@code pairs} times each, alternating in this process (the side going first
     * alternates too), after one warm-up of each unless {@code warmUp} is false (both have run already).
     *
     * @return the seconds of {@code a}'s runs and of {@code b}'s runs, in pair order
     */
    public static double[][] alternate(int pairs, boolean warmUp, Runnable a, Runnable b, PairLog log) {
        if (warmUp) {
            a.run();
            b.run();
        }
        double[] ta = new double[pairs];
        double[] tb = new double[pairs];
        for (int i = 0; i < pairs; i++) {
            if (i % 2 == 1) {
                tb[i] = time(b);
                ta[i] = time(a);
            } else {
                ta[i] = time(a);
                tb[i] = time(b);
            }
            log.pair(ta[i], tb[i]);
        }
        return new double[][] {ta, tb};
    }

    private static double time(Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        return (System.nanoTime() - t0) / 1e9;
    }

    /** The median of {@code v} (the mean of the middle two for an even count). */
    public static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
