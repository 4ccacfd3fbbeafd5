package dev.restora.classic.image;

import dev.restora.core.RestoraException;
import dev.restora.core.diffusion.CancellationToken;
import dev.restora.core.diffusion.PreviewFrame;
import dev.restora.core.diffusion.PreviewPolicy;
import dev.restora.core.diffusion.StepEvent;
import dev.restora.core.diffusion.StepListener;
import dev.restora.core.image.ImageBuffer;
import dev.restora.core.image.ImageOps;
import dev.restora.core.image.Resampler;
import java.time.Duration;

/**
 * The weight-free upscaler: Lanczos-3 enlargement, a few back-projection steps, then edge-aware sharpening. Plain
 * Java, parallel over bands of rows. Each pass is one step event (with a preview of the current estimate when the
 * preview policy fires); cancellation is checked before every band of rows, and finish-early returns the current
 * estimate.
 */
public final class ClassicUpscaler {
    /** Longest side of a preview image. */
    static final int PREVIEW_SIDE = 1024;

    /**
     * Settings of one run.
     *
     * @param scale          output / input size (2, 3 or 4)
     * @param backProjection back-projection steps (0 is plain Lanczos + sharpening)
     * @param sharpen        edge-aware sharpening strength (0 is off)
     */
    public record Settings(int scale, int backProjection, double sharpen) {
        public Settings {
            if (scale < 1 || scale > 8) {
                throw new IllegalArgumentException("scale must be between 1 and 8: " + scale);
            }
            if (backProjection < 0 || sharpen < 0) {
                throw new IllegalArgumentException("backProjection and sharpen must not be negative");
            }
        }
    }

    /**
     * Working memory per output pixel: the estimate (12 bytes), the sharpener's luma, blur, range and scratch planes
     * (28), resampling scratch and the preview copy (about 8).
     */
    static final long BYTES_PER_OUTPUT_PIXEL = 48;

    private ClassicUpscaler() {
    }

    /** Bytes of working memory for an output of {@code pixels}. */
    public static long workingMemory(long pixels) {
        return BYTES_PER_OUTPUT_PIXEL * pixels;
    }

    /** Refuses a run whose working set cannot fit in the heap, before allocating anything. */
    static void checkMemory(int bw, int bh) {
        Runtime rt = Runtime.getRuntime();
        long available = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        long need = workingMemory((long) bw * bh);
        if (need > available) {
            throw new RestoraException(String.format(java.util.Locale.ROOT,
                    "classic-image: the result would be %dx%d (%.0f megapixels) and needs about %.1f GB of memory, "
                            + "but only %.1f GB is free; choose a smaller scale or a smaller image",
                    bw, bh, bw * (double) bh / 1e6, need / 1e9, available / 1e9));
        }
    }

    /** Upscales the RGB planes of {@code in}; alpha is resized separately; depth, greyness and metadata are kept. */
    public static ImageBuffer upscale(ImageBuffer in, Settings s, StepListener listener, CancellationToken token,
                                      PreviewPolicy previews) {
        long start = System.nanoTime();
        StepListener events = listener == null ? StepListener.NONE : listener;
        CancellationToken tok = token == null ? new CancellationToken() : token;
        PreviewPolicy.Gate gate = (previews == null ? PreviewPolicy.OFF : previews).gate();
        int w = in.width();
        int h = in.height();
        int bw = w * s.scale();
        int bh = h * s.scale();
        int steps = 1 + s.backProjection() + (s.sharpen() > 0 ? 1 : 0);
        tok.throwIfCancelled();
        checkMemory(bw, bh);
        float[] est = Resampler.resizePlanes(in.rgb(), 3, w, h, bw, bh, Resampler.Kernel.LANCZOS3);
        int step = 0;
        emit(events, gate, in, est, bw, bh, step++, steps, "Lanczos-3 x" + s.scale(), start);
        boolean finishEarly = false;
        for (int i = 0; i < s.backProjection(); i++) {
            if (tok.isFinishEarlyRequested()) {
                finishEarly = true;
                break;
            }
            tok.throwIfCancelled();
            BackProjection.step(est, bw, bh, in.rgb(), w, h, tok);
            emit(events, gate, in, est, bw, bh, step++, steps, "back-projection " + (i + 1) + "/" + s.backProjection(), start);
        }
        if (s.sharpen() > 0 && !finishEarly && !tok.isFinishEarlyRequested()) {
            tok.throwIfCancelled();
            clamp(est);
            // the blur radius grows with the scale: the detail band is that of the missing frequencies
            EdgeAwareSharpener.apply(est, bw, bh, 0.35f * s.scale(), (float) s.sharpen(), tok);
            emit(events, gate, in, est, bw, bh, step, steps, "edge-aware sharpening", start);
        }
        clamp(est);
        return in.withPixels(bw, bh, est, ImageOps.resizeAlpha(in, bw, bh));
    }

    private static void emit(StepListener events, PreviewPolicy.Gate gate, ImageBuffer in, float[] est, int bw, int bh,
                             int step, int steps, String label, long start) {
        PreviewFrame preview = null;
        if (gate.shouldRender(step, steps, System.nanoTime())) {
            float[] copy = est.clone();
            clamp(copy);
            ImageBuffer current = in.withPixels(bw, bh, copy, null);
            preview = ImageOps.preview("predicted clean (" + label + ")", current, PREVIEW_SIDE);
        }
        events.onStep(new StepEvent(step, steps, 0, 1, label, Duration.ofNanos(System.nanoTime() - start), preview, null));
    }

    private static void clamp(float[] v) {
        for (int i = 0; i < v.length; i++) {
            float x = v[i];
            v[i] = x > 0f ? (x < 1f ? x : 1f) : 0f;
        }
    }
}
