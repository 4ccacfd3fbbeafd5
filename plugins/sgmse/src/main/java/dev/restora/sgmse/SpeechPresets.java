package dev.restora.sgmse;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Named sampling settings for the speech pipelines: the exact default and the approximate speed/deviation
 * candidates that {@code restora bench sgmse|storm --presets} times and compares with the default's output. The
 * named run presets ({@code preset=fast-preview}) are chosen from these by that measurement; each resolves per
 * model kind (SGMSE+ with a score model, a Schrödinger-bridge checkpoint, StoRM).
 */
public final class SpeechPresets {
    /** The sampler families: which candidates apply and what "default" means. */
    public enum Kind {
        /** SGMSE+ with an OUVE score model: PC N 30 with one ALD corrector step (60 calls); the ODE is allowed. */
        SCORE,
        /** A Schrödinger-bridge checkpoint: its ODE sampler with the checkpoint's N (one call per step). */
        BRIDGE,
        /** StoRM: the predictive denoiser, then PC N 50 with one ALD corrector step (1 + 100 calls). */
        STORM;

        public String label() {
            return switch (this) {
                case SCORE -> "SGMSE+ (score model)";
                case BRIDGE -> "Schrödinger bridge";
                case STORM -> "StoRM";
            };
        }
    }

    /**
     * One candidate setting.
     *
     * @param name           its name in the benchmark's JSON
     * @param sampler        the sampler ("pc", "ode", "sde", "denoiser")
     * @param steps          N; 0 is the model's recommended N
     * @param correctorSteps corrector steps per step (0 with corrector "none")
     * @param keySteps       null: exact network; else encoder propagation with this schedule
     * @param seedOffset     added to the run's seed (the "another seed" yardstick: how far two exact runs differ)
     */
    public record Candidate(String name, String sampler, int steps, int correctorSteps, String keySteps,
                            long seedOffset) {
        /** The options of this candidate for a model whose recommended N and snr are given. */
        public EnhanceOptions options(int recommendedSteps, double snr) {
            return options(recommendedSteps, snr, false);
        }

        public EnhanceOptions options(int recommendedSteps, double snr, boolean previewAudio) {
            return new EnhanceOptions(sampler, steps > 0 ? steps : recommendedSteps, correctorSteps, snr, previewAudio,
                    correctorSteps == 0 ? "none" : "ald", keySteps);
        }

        /** Network calls of a run with {@code n} steps (the model's N when {@code steps} is 0); -1 when adaptive. */
        public int networkCalls(Kind kind, int recommendedSteps) {
            int n = steps > 0 ? steps : recommendedSteps;
            return switch (kind) {
                case SCORE -> sampler.equals("ode") ? -1 : n * (1 + correctorSteps);
                case BRIDGE -> n;
                case STORM -> sampler.equals("denoiser") ? 1 : 1 + n * (1 + correctorSteps);
            };
        }
    }

    private SpeechPresets() {
    }

    /**
     * {@code preset=fast-preview} (APPROXIMATE), per kind: the candidate with the best measured speed/deviation
     * trade-off ({@code restora bench sgmse|storm --presets}; the figures are in the README's speech speed section).
     */
    public static Candidate fastPreview(Kind kind) {
        String name = switch (kind) {
            case SCORE -> "pc_n10_no_corrector";
            case BRIDGE -> "bridge_ode_n10";
            case STORM -> "pc_n10_no_corrector";
        };
        return candidates(kind, false).stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    /** The exact default, whatever the kind. */
    public static final Candidate DEFAULT = new Candidate("default", "pc", 0, 1, null, 0);

    /**
     * The candidates for a kind, the exact default first. {@code withOde}: also the SGMSE+ probability-flow ODE
     * (adaptive RK45, hundreds of calls; timed only on small models).
     */
    public static List<Candidate> candidates(Kind kind, boolean withOde) {
        List<Candidate> c = new ArrayList<>();
        c.add(DEFAULT);
        c.add(new Candidate("default_other_seed", "pc", 0, 1, null, 1));
        switch (kind) {
            case SCORE -> {
                c.add(new Candidate("pc_n15", "pc", 15, 1, null, 0));
                c.add(new Candidate("pc_n30_no_corrector", "pc", 30, 0, null, 0));
                c.add(new Candidate("pc_n15_no_corrector", "pc", 15, 0, null, 0));
                c.add(new Candidate("pc_n10_no_corrector", "pc", 10, 0, null, 0));
                c.add(new Candidate("pc_n5_no_corrector", "pc", 5, 0, null, 0));
                c.add(new Candidate("pc_n30_encoder_propagation", "pc", 30, 1, "paper", 0));
                c.add(new Candidate("pc_n10_no_corrector_encoder_every_2", "pc", 10, 0, "every-2", 0));
                if (withOde) {
                    c.add(new Candidate("probability_flow_ode", "ode", 0, 0, null, 0));
                }
            }
            case BRIDGE -> {
                c.add(new Candidate("bridge_ode_n20", "pc", 20, 0, null, 0));
                c.add(new Candidate("bridge_ode_n10", "pc", 10, 0, null, 0));
                c.add(new Candidate("bridge_ode_n5", "pc", 5, 0, null, 0));
                c.add(new Candidate("bridge_ode_n10_encoder_every_2", "pc", 10, 0, "every-2", 0));
                c.add(new Candidate("bridge_sde_n10", "sde", 10, 0, null, 0));
            }
            case STORM -> {
                c.add(new Candidate("pc_n25", "pc", 25, 1, null, 0));
                c.add(new Candidate("pc_n50_no_corrector", "pc", 50, 0, null, 0));
                c.add(new Candidate("pc_n20_no_corrector", "pc", 20, 0, null, 0));
                c.add(new Candidate("pc_n10_no_corrector", "pc", 10, 0, null, 0));
                c.add(new Candidate("pc_n5_no_corrector", "pc", 5, 0, null, 0));
                c.add(new Candidate("pc_n10_no_corrector_encoder_every_2", "pc", 10, 0, "every-2", 0));
                c.add(new Candidate("denoiser_only", "denoiser", 0, 0, null, 0));
            }
            default -> throw new IllegalStateException();
        }
        // the bridge's default is its ODE with the checkpoint's N, no corrector
        if (kind == Kind.BRIDGE) {
            c.set(0, new Candidate("default", "pc", 0, 0, null, 0));
            c.set(1, new Candidate("default_other_seed", "pc", 0, 0, null, 1));
        }
        return c;
    }

    /**
     * The default, then the candidates named in {@code names} (comma-separated) in that order. {@code restora bench
     * sgmse --presets} measures a score model and a bridge model with one list, so for those two kinds a name of the
     * other one is skipped; a name neither knows is refused.
     */
    public static List<Candidate> select(Kind kind, String names, boolean withOde) {
        List<Candidate> all = candidates(kind, true);
        if (names == null || names.isBlank()) {
            return candidates(kind, withOde);
        }
        List<String> wanted = List.of(names.toLowerCase(Locale.ROOT).split("\\s*,\\s*"));
        List<Candidate> out = new ArrayList<>();
        out.add(all.get(0));
        for (String w : wanted) {
            all.stream().filter(c -> c.name().equals(w) && !out.contains(c)).findFirst().ifPresent(out::add);
        }
        List<Candidate> sibling = switch (kind) {
            case SCORE -> candidates(Kind.BRIDGE, true);
            case BRIDGE -> candidates(Kind.SCORE, true);
            case STORM -> List.of();
        };
        for (String w : wanted) {
            boolean known = all.stream().anyMatch(c -> c.name().equals(w))
                    || sibling.stream().anyMatch(c -> c.name().equals(w));
            if (!known) {
                throw new IllegalArgumentException("no " + kind.label() + " preset candidate '" + w + "'; known: "
                        + String.join(", ", all.stream().map(Candidate::name).toList()));
            }
        }
        return out;
    }
}
