package dev.restora.sgmse;

import dev.restora.core.checkpoint.CheckpointException;
import dev.restora.sgmse.nn.NcsnppConfig;
import java.util.Locale;

/**
 * NCSN++ structures from checkpoint hyper-parameters (spec §5.1, §6.4). Every released checkpoint uses BigGAN
 * blocks, FIR [1,3,3,1], Fourier embedding, skip rescaling and {@code sum} combine; other values are refused.
 */
public final class Backbones {
    private static final int[] SGMSE_CH_MULT = {1, 1, 2, 2, 2, 2, 2};
    private static final int[] STORM_CH_MULT = {1, 2, 2, 2};

    private Backbones() {
    }

    /** SGMSE's backbones by hparam {@code backbone}: ncsnpp, ncsnpp_v2, ncsnpp_48k. */
    public static NcsnppConfig sgmse(HyperParameters hp) {
        String backbone = hp.string("backbone", "ncsnpp").toLowerCase(Locale.ROOT);
        validateFixed(hp);
        int nf = hp.integer("nf", 128);
        int[] chMult = hp.integers("ch_mult", SGMSE_CH_MULT);
        int blocks = hp.integer("num_res_blocks", 2);
        return switch (backbone) {
            case "ncsnpp" -> new NcsnppConfig(nf, chMult, blocks, hp.integerSet("attn_resolutions", new int[] {16}),
                    outputSkip(hp, "output_skip"), inputSkip(hp, "input_skip"), true, 4,
                    NcsnppConfig.Head.DIVIDE_THEN_OUTPUT, hp.bool("centered", true), hp.bool("scale_by_sigma", true));
            case "ncsnpp_48k" -> new NcsnppConfig(nf, chMult, blocks, hp.integerSet("attn_resolutions", new int[0]),
                    outputSkip(hp, "none"), inputSkip(hp, "none"), true, 4,
                    NcsnppConfig.Head.OUTPUT_THEN_DIVIDE, hp.bool("centered", true), hp.bool("scale_by_sigma", true));
            // ncsnpp_v2: never centred, never divided by t (spec §3)
            case "ncsnpp_v2" -> new NcsnppConfig(nf, chMult, blocks, hp.integerSet("attn_resolutions", new int[] {16}),
                    outputSkip(hp, "output_skip"), inputSkip(hp, "input_skip"), true, 4,
                    NcsnppConfig.Head.OUTPUT_ONLY, true, false);
            default -> throw new CheckpointException(hp.source() + ": unsupported backbone '" + backbone
                    + "' (supported: ncsnpp, ncsnpp_v2, ncsnpp_48k)");
        };
    }

    /**
     * StoRM's backbones by name (hparams {@code backbone_denoiser} / {@code backbone_score}): ncsnpp (NCSN++M),
     * ncsnpplarge, ncsnpp12M, ncsnpp6M. The denoiser is unconditional and never divides by t.
     */
    public static NcsnppConfig storm(HyperParameters hp, String backbone, int inputChannels, boolean denoiser) {
        validateFixed(hp);
        String b = backbone.toLowerCase(Locale.ROOT);
        int nf;
        int[] chMult;
        int blocks;
        int[] attn;
        switch (b) {
            case "ncsnpp" -> {
                nf = 128;
                chMult = STORM_CH_MULT;
                blocks = 1;
                attn = new int[] {0};
            }
            case "ncsnpplarge" -> {
                nf = 128;
                chMult = SGMSE_CH_MULT;
                blocks = 2;
                attn = new int[] {16};
            }
            case "ncsnpp12m" -> {
                nf = 96;
                chMult = new int[] {1, 2, 2, 1};
                blocks = 1;
                attn = new int[] {0};
            }
            case "ncsnpp6m" -> {
                nf = 96;
                chMult = new int[] {1, 1, 1, 1};
                blocks = 1;
                attn = new int[] {0};
            }
            default -> throw new CheckpointException(hp.source() + ": unsupported StoRM backbone '" + backbone + "'");
        }
        return new NcsnppConfig(hp.integer("nf", nf), hp.integers("ch_mult", chMult), hp.integer("num_res_blocks", blocks),
                hp.integerSet("attn_resolutions", attn), outputSkip(hp, "output_skip"), inputSkip(hp, "input_skip"),
                !denoiser, inputChannels, NcsnppConfig.Head.DIVIDE_THEN_OUTPUT, hp.bool("centered", false),
                !denoiser && hp.bool("scale_by_sigma", true));
    }

    private static boolean outputSkip(HyperParameters hp, String def) {
        String v = hp.string("progressive", def).toLowerCase(Locale.ROOT);
        return switch (v) {
            case "output_skip" -> true;
            case "none" -> false;
            default -> throw new CheckpointException(hp.source() + ": unsupported progressive '" + v + "'");
        };
    }

    private static boolean inputSkip(HyperParameters hp, String def) {
        String v = hp.string("progressive_input", def).toLowerCase(Locale.ROOT);
        return switch (v) {
            case "input_skip" -> true;
            case "none" -> false;
            default -> throw new CheckpointException(hp.source() + ": unsupported progressive_input '" + v + "'");
        };
    }

    private static void validateFixed(HyperParameters hp) {
        expect(hp, "resblock_type", "biggan");
        expect(hp, "embedding_type", "fourier");
        expect(hp, "progressive_combine", "sum");
        expect(hp, "fir", "true");
        expect(hp, "skip_rescale", "true");
        if (hp.has("fir_kernel")) {
            int[] k = hp.integers("fir_kernel", new int[0]);
            if (!java.util.Arrays.equals(k, new int[] {1, 3, 3, 1})) {
                throw new CheckpointException(hp.source() + ": unsupported fir_kernel " + java.util.Arrays.toString(k));
            }
        }
    }

    private static void expect(HyperParameters hp, String key, String value) {
        if (hp.has(key) && !hp.string(key, value).equalsIgnoreCase(value)) {
            throw new CheckpointException(hp.source() + ": unsupported " + key + " '" + hp.string(key, value)
                    + "' (only " + value + " is implemented)");
        }
    }
}
