package dev.restora.core.diffusion;

import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * The key steps of encoder propagation (Faster Diffusion, Li et al., NeurIPS 2024, "Faster Diffusion: Rethinking the
 * Role of the Encoder for Diffusion Model Inference", arXiv 2312.09608): the sampler steps (0-based, in run order)
 * where the U-Net's encoder runs; at the others the decoder reuses the features of the last key step. Step 0 is
 * always a key step (nothing is kept before it).
 *
 * <p>Schedules by name:
 * <ul>
 *   <li>{@code paper}: the paper's key steps for 50 DDIM steps, {50, 49, 48, 47, 45, 40, 35, 25, 15} counting down
 *       (dense early, sparse late), i.e. step indices 0, 1, 2, 3, 5, 10, 15, 25, 35 of 50, scaled to n steps by
 *       rounding. Below 6 steps every step is a key step (the scaled indices cover 0 ... n-1): no saving.</li>
 *   <li>{@code every-K}: every K-th step (K at least 1; {@code every-1} is every step, the exact computation).</li>
 *   <li>{@code auto}: {@code paper} where it leaves steps out (6 steps or more), otherwise {@code every-2}. For a
 *       few-step sampler (ResShift v3: 4 steps) the paper's schedule gives nothing; every other step keeps the
 *       paper's premise, which is measured between adjacent steps (encoder features of neighbouring steps are
 *       nearly the same, decoder features are not): each reused feature set is exactly one step old and the first
 *       step, where the state changes most, runs the encoder. Reusing a key step's features over two or more of
 *       a few-step sampler's large steps (for example keys {0, 1} of 4) stretches that premise further for the
 *       same saving.</li>
 * </ul>
 */
public final class KeySteps {
    public static final String PAPER = "paper";
    public static final String AUTO = "auto";
    public static final String EVERY = "every-";
    /** The paper's key steps for 50 steps, as 0-based indices in run order. */
    private static final int[] PAPER_OF_50 = {0, 1, 2, 3, 5, 10, 15, 25, 35};

    private KeySteps() {
    }

    /**
     * The key steps of schedule {@code name} for a run of {@code n} steps, sorted.
     *
     * @throws IllegalArgumentException naming the problem for an unknown schedule or a bad interval
     */
    public static Set<Integer> schedule(String name, int n) {
        if (n < 1) {
            throw new IllegalArgumentException("key steps need a run of at least one step, got " + n);
        }
        String s = name == null ? "" : name.trim();
        Set<Integer> k = new TreeSet<>();
        k.add(0);
        if (s.equals(PAPER)) {
            for (int p : PAPER_OF_50) {
                k.add((int) Math.round(p * n / 50.0));
            }
        } else if (s.equals(AUTO)) {
            Set<Integer> paper = schedule(PAPER, n);
            return paper.size() < n ? paper : schedule(EVERY + 2, n);
        } else if (s.startsWith(EVERY)) {
            int every;
            try {
                every = Integer.parseInt(s.substring(EVERY.length()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("key steps '" + name + "': every-K needs a whole number K of at "
                        + "least 1, e.g. every-2");
            }
            if (every < 1) {
                throw new IllegalArgumentException("key steps '" + name + "': the interval K of every-K must be at "
                        + "least 1");
            }
            for (int i = 0; i < n; i += every) {
                k.add(i);
            }
        } else {
            throw new IllegalArgumentException("unknown key-step schedule '" + name + "' (use " + AUTO + ", " + PAPER
                    + " or every-K, e.g. every-2)");
        }
        k.removeIf(i -> i >= n);
        return Collections.unmodifiableSet(k);
    }
}
