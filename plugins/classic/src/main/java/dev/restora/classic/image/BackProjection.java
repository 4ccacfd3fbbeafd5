package dev.restora.classic.image;

import dev.restora.core.diffusion.CancellationToken;
import dev.restora.core.image.Resampler;

/**
 * Iterative back-projection (Irani and Peleg, "Improving resolution by image registration", 1991): the estimate
 * is shrunk with the assumed degradation, compared with the input, and the difference is enlarged and added back,
 * {@code x <- x + U(y - D(x))}. D is the antialiased bicubic shrink (the usual super-resolution degradation,
 * MATLAB's imresize), U the Lanczos-3 enlargement. Each step makes the estimate more consistent with the input:
 * it restores contrast the plain interpolation spread out, without inventing texture.
 */
final class BackProjection {
    private BackProjection() {
    }

    /** One step on planar RGB {@code estimate} (3 x H x W, updated in place) against the input (3 x h x w). */
    static void step(float[] estimate, int bigW, int bigH, float[] input, int w, int h, CancellationToken token) {
        float[] down = Resampler.resizePlanes(estimate, 3, bigW, bigH, w, h, Resampler.Kernel.BICUBIC);
        for (int i = 0; i < down.length; i++) {
            down[i] = input[i] - down[i];
        }
        if (token != null) {
            token.throwIfCancelled();
        }
        float[] up = Resampler.resizePlanes(down, 3, w, h, bigW, bigH, Resampler.Kernel.BICUBIC);
        RowBands.forEachRow(3 * bigH, 64, token, row -> {
            int off = row * bigW;
            for (int x = 0; x < bigW; x++) {
                estimate[off + x] += up[off + x];
            }
        });
    }
}
