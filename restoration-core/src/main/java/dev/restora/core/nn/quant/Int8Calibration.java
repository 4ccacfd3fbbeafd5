package dev.restora.core.nn.quant;

import dev.restora.core.diffusion.PreviewPolicy;
import dev.restora.core.diffusion.SeededNoise;
import dev.restora.core.diffusion.StepListener;
import dev.restora.core.image.ImageBuffer;
import dev.restora.core.pipeline.RunContext;

/**
 * What the pipelines share for the int8 fast mode: the parameter value and its help text, the representative
 * calibration input (a centre crop of the first input, so calibration costs one small run) and a quiet run context
 * for the calibration run (fixed seed, no progress events, no previews).
 */
public final class Int8Calibration {
    /** The {@code fast_mode} value. */
    public static final String INT8 = "int8";
    /** The {@code fast_mode} help for int8 (APPROXIMATE, as every fast mode is labelled). */
    public static final String HELP = "int8: APPROXIMATE, the convolutions run in 8-bit integers with "
            + "per-channel weight scales and activation ranges calibrated over all sampler steps (post-training "
            + "quantization, PTQ4DM / Q-Diffusion), linear layers in dynamic int8, long attentions in bfloat16 where "
            + "the CPU has it; calibrated once per loaded model on the first input; needs a CPU with VNNI or AMX";
    /** The fixed seed of calibration runs. */
    public static final long CALIBRATION_SEED = 0;

    private Int8Calibration() {
    }

    /** The centre {@code maxSide} x {@code maxSide} crop of {@code img} (itself when it is no larger). */
    public static ImageBuffer centerCrop(ImageBuffer img, int maxSide) {
        int w = Math.min(img.width(), maxSide);
        int h = Math.min(img.height(), maxSide);
        if (w == img.width() && h == img.height()) {
            return img;
        }
        int x0 = (img.width() - w) / 2;
        int y0 = (img.height() - h) / 2;
        float[] src = img.rgb();
        float[] rgb = new float[3 * w * h];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                System.arraycopy(src, (c * img.height() + y0 + y) * img.width() + x0, rgb, (c * h + y) * w, w);
            }
        }
        return ImageBuffer.rgb(w, h, rgb);
    }

    /** {@code ctx} for a calibration run: fixed seed, no events, no previews (same scope, parameters, token). */
    public static RunContext quiet(RunContext ctx) {
        return new RunContext(ctx.scope(), ctx.device(), ctx.parameters(), new SeededNoise(CALIBRATION_SEED),
                StepListener.NONE, ctx.token(), PreviewPolicy.OFF);
    }
}
