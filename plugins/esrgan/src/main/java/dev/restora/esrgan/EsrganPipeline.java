package dev.restora.esrgan;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.restora.core.RestoraException;
import dev.restora.core.diffusion.PreviewFrame;
import dev.restora.core.diffusion.PreviewPolicy;
import dev.restora.core.diffusion.StepEvent;
import dev.restora.core.image.ImageBuffer;
import dev.restora.core.image.ImageOps;
import dev.restora.core.nn.quant.Int8Calibration;
import dev.restora.core.nn.quant.Int8Mode;
import dev.restora.core.nn.quant.Int8Network;
import dev.restora.core.pipeline.Media;
import dev.restora.core.pipeline.ParameterValues;
import dev.restora.core.pipeline.PipelineDescriptor;
import dev.restora.core.pipeline.RestorationPipeline;
import dev.restora.core.pipeline.RunContext;
import dev.restora.core.tiling.Blend;
import dev.restora.core.tiling.TileMosaic;
import dev.restora.core.tiling.TilePlan;
import dev.restora.core.tiling.Tiler;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loaded package model upscaling whole images: the RGB planes scaled to the network's range, run tile by tile
 * through the core {@link Tiler} (smooth blending over the overlap, each tile in its own NDManager scope,
 * cancellation between tiles, tiles halved on out-of-memory), clipped to the range and brought back to [0, 1]. One
 * step event per tile; with previews on, a {@link TileMosaic} shows the image filling in. The alpha plane is
 * resampled on its own (bicubic), the input's depth and metadata are kept.
 */
final class EsrganPipeline implements RestorationPipeline {
    private static final Logger LOG = LoggerFactory.getLogger(EsrganPipeline.class);
    /** Smallest tile the out-of-memory retry goes down to. */
    static final int MIN_TILE = 32;

    private final PipelineDescriptor descriptor;
    private final EsrganModel model;
    /** Side of the int8 calibration crop, in input pixels. */
    static final int INT8_CALIBRATION_SIDE = 64;
    private final Int8Mode int8 = new Int8Mode();

    EsrganPipeline(PipelineDescriptor descriptor, EsrganModel model) {
        this.descriptor = descriptor;
        this.model = model;
    }

    @Override
    public PipelineDescriptor descriptor() {
        return descriptor;
    }

    EsrganModel model() {
        return model;
    }

    /**
     * With {@code fast_mode=int8}, the run goes through this model's int8 network, calibrated on its first use by one
     * quiet float32 pass over the centre {@value #INT8_CALIBRATION_SIDE} px crop of the input.
     */
    @Override
    public Media run(Media input, RunContext ctx) {
        ParameterValues p = ctx.parameters();
        if (p == null || !p.has(EsrganProvider.FAST_MODE)
                || !Int8Calibration.INT8.equals(p.getString(EsrganProvider.FAST_MODE))
                || !(input instanceof Media.Image im)) {
            return runFloat(input, ctx);
        }
        ImageBuffer crop = Int8Calibration.centerCrop(im.image(), INT8_CALIBRATION_SIDE);
        return int8.run(() -> {
            try (NDManager s = ctx.scope().newSubManager()) {
                runFloat(Media.of(crop), Int8Calibration.quiet(ctx.withScope(s)));
            }
        }, "one pass on a " + crop.width() + "x" + crop.height() + " crop of the input", () -> runFloat(input, ctx));
    }

    @Override
    public void close() {
        int8.close();
    }

    /** The int8 network of this model once a run asked for it (benchmarks, tests), else null. */
    Int8Network int8Network() {
        return int8.network();
    }

    private Media runFloat(Media input, RunContext ctx) {
        if (!(input instanceof Media.Image im)) {
            throw new RestoraException(EsrganProvider.ID + " upscales images, not "
                    + input.modality().name().toLowerCase(java.util.Locale.ROOT));
        }
        ImageBuffer img = im.image();
        ParameterValues p = ctx.parameters() != null ? ctx.parameters()
                : ParameterValues.defaults(descriptor.parameters());
        int h = img.height();
        int w = img.width();
        int s = model.variant().scale();
        float range = model.variant().networkRange();
        NDManager scope = ctx.scope();
        NDArray lq = scope.create(img.rgb(), new Shape(1, 3, h, w)).mul(range);
        int maxTile = p.getInt(EsrganProvider.TILE_SIZE);
        int overlapParam = p.getInt(EsrganProvider.TILE_OVERLAP);
        int[] lqArgb = ctx.previews().enabled() ? ImageOps.toArgb(img) : null;
        PreviewPolicy.Gate gate = ctx.previews().gate();
        NDArray result = Tiler.withRetry(maxTile, Math.min(maxTile, MIN_TILE), limit -> {
            int overlap = Math.min(overlapParam, limit / 2);
            int tile = evenTile(Math.max(h, w), limit, overlap);
            TileMosaic mosaic = lqArgb != null && TilePlan.plan(h, w, tile, tile - overlap).size() > 1
                    ? new TileMosaic(w, h, lqArgb, s) : null;
            try (NDManager attempt = scope.newSubManager()) {
                NDArray r = Tiler.run(lq, null, tile, overlap, s, 3, Blend.SMOOTH,
                        (t, n, lqTile, mask, tileScope) -> {
                            NDArray out = model.network().forward(lqTile).clip(0f, range);
                            report(ctx, gate, mosaic, t, n, out, range);
                            return out;
                        }, ctx.token(), attempt);
                r.attach(scope);
                return r;
            }
        }, smaller -> LOG.warn("out of memory; retrying with {} px tiles", smaller));
        float[] rgb = result.div(range).clip(0f, 1f).toFloatArray();
        float[] alpha = ImageOps.resizeAlpha(img, w * s, h * s);
        return Media.of(img.withPixels(w * s, h * s, rgb, alpha));
    }

    /**
     * The tile side for an image whose longer side is {@code length}: the fewest tiles of at most {@code limit}
     * pixels, made as even as possible so the last one does not mostly repeat its neighbour.
     */
    static int evenTile(int length, int limit, int overlap) {
        if (length <= limit) {
            return limit;
        }
        int stride = limit - overlap;
        int n = (length - overlap + stride - 1) / stride;
        return (length - overlap + n - 1) / n + overlap;
    }

    /** One step event per tile; the preview (when the policy fires) shows the picture so far. */
    private static void report(RunContext ctx, PreviewPolicy.Gate gate, TileMosaic mosaic, TilePlan.Tile t, int n,
                               NDArray out, float range) {
        String label = n > 1 ? "tile " + (t.index() + 1) + "/" + n : "";
        boolean render = gate.shouldRender(t.index(), n, System.nanoTime());
        PreviewFrame preview = null;
        if (mosaic != null) {
            PreviewFrame.Image done = picture(out, mosaic.subsampling(t, out.getShape().get(3)), range,
                    "restored, " + label);
            if (render) {
                preview = mosaic.show(t, done); // draws the tile into the whole picture and returns it
            } else {
                mosaic.keep(t, done);
            }
        } else if (render) {
            preview = picture(out, Math.max(1, (int) ((out.getShape().get(3) + TileMosaic.MAX_SIDE - 1)
                    / TileMosaic.MAX_SIDE)), range, "restored");
        }
        ctx.listener().onStep(new StepEvent(t.index(), n, 0, 1, label,
                Duration.ofNanos(System.nanoTime() - ctx.startNanos()), preview, null));
    }

    /** A 1 x 3 x H x W array in [0, range], every k-th pixel, as a preview picture. */
    private static PreviewFrame.Image picture(NDArray out, int k, float range, String label) {
        NDArray sub = k == 1 ? out : out.get(":, :, ::" + k + ", ::" + k);
        int ph = (int) sub.getShape().get(2);
        int pw = (int) sub.getShape().get(3);
        float[] rgb = sub.div(range).toFloatArray();
        return new PreviewFrame.Image(label, pw, ph, ImageOps.toArgb(ImageBuffer.rgb(pw, ph, rgb)));
    }
}
