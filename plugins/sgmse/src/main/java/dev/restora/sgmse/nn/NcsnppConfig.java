package dev.restora.sgmse.nn;

import java.util.Arrays;
import java.util.Set;

/**
 * The structure of one NCSN++ network (spec §5.1). Fixed for every released checkpoint and therefore not
 * configurable: BigGAN residual blocks with FIR [1,3,3,1] resampling, skip rescaling, SiLU, Fourier time
 * embedding, {@code progressive_combine = sum}, image size 256 for attention placement.
 *
 * @param nf               base width
 * @param chMult           width multiplier per level
 * @param numResBlocks     residual blocks per level (down path; the up path has one more)
 * @param attnResolutions  frequency sizes whose level gets attention (level i has size 256 / 2^i)
 * @param outputSkip       {@code progressive = output_skip} (else none)
 * @param inputSkip        {@code progressive_input = input_skip} (else none)
 * @param conditional      whether the time MLP exists and feeds the blocks
 * @param inputChannels    real input channels (4 for SGMSE, 6 / 2 for StoRM's score / denoiser network)
 * @param head             where the output layer and the division by t go
 * @param centered         false: the input is mapped by {@code 2v - 1} first
 * @param scaleBySigma     divide by the diffusion time t (spec §3: by t, not by sigma)
 */
public record NcsnppConfig(int nf, int[] chMult, int numResBlocks, Set<Integer> attnResolutions, boolean outputSkip,
                           boolean inputSkip, boolean conditional, int inputChannels, Head head, boolean centered,
                           boolean scaleBySigma) {
    /** The image size NCSN++ places attention by ({@code image_size = 256}). */
    public static final int IMAGE_SIZE = 256;

    /** Order of the output layer and the division by t (spec §5.5 step 8). */
    public enum Head {
        /** SGMSE {@code ncsnpp} and StoRM: divide by t, then the 1x1 output layer. */
        DIVIDE_THEN_OUTPUT,
        /** {@code ncsnpp_48k}: output layer, then divide by t (the bias is divided too). */
        OUTPUT_THEN_DIVIDE,
        /** {@code ncsnpp_v2}: output layer only. */
        OUTPUT_ONLY
    }

    public NcsnppConfig {
        chMult = chMult.clone();
        attnResolutions = Set.copyOf(attnResolutions);
        if (chMult.length < 1 || nf < 1 || numResBlocks < 1) {
            throw new IllegalArgumentException("invalid NCSN++ structure: nf " + nf + ", ch_mult "
                    + Arrays.toString(chMult) + ", num_res_blocks " + numResBlocks);
        }
        if (nf % 4 != 0) {
            throw new IllegalArgumentException("nf must be a multiple of 4 for group normalisation, got " + nf);
        }
    }

    public int levels() {
        return chMult.length;
    }

    /** The nominal frequency size of level i, {@code 256 / 2^i}. */
    public int resolution(int level) {
        return IMAGE_SIZE >> level;
    }

    public boolean attentionAt(int level) {
        return attnResolutions.contains(resolution(level));
    }

    /** Both spatial sizes must be divisible by this (one halving per level boundary). */
    public int divisor() {
        return 1 << (levels() - 1);
    }
}
