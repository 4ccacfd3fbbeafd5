package dev.restora.resshift;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.restora.core.RestoraException;
import dev.restora.core.diffusion.DiffusionLoop;
import dev.restora.core.diffusion.EncoderPropagation;
import dev.restora.core.diffusion.KeySteps;
import dev.restora.core.diffusion.NoiseSource;
import dev.restora.core.diffusion.PreviewFrame;
import dev.restora.core.diffusion.PreviewRenderer;
import dev.restora.core.diffusion.SeededNoise;
import dev.restora.core.diffusion.StackedNoise;
import dev.restora.core.diffusion.Stage;
import dev.restora.core.engine.OutOfMemory;
import dev.restora.core.image.ImageBuffer;
import dev.restora.core.image.ImageCodec;
import dev.restora.core.image.ImageOps;
import dev.restora.core.nn.quant.Int8Calibration;
import dev.restora.core.nn.quant.Int8Mode;
import dev.restora.core.nn.quant.Int8Network;
import dev.restora.core.nn.Precision;
import dev.restora.core.pipeline.Media;
import dev.restora.core.pipeline.ParameterValues;
import dev.restora.core.pipeline.PipelineDescriptor;
import dev.restora.core.pipeline.RestorationPipeline;
import dev.restora.core.pipeline.RunContext;
import dev.restora.resshift.diffusion.ResShiftSampler;
import dev.restora.core.tiling.Blend;
import dev.restora.core.tiling.TileMosaic;
import dev.restora.core.tiling.TilePlan;
import dev.restora.core.tiling.Tiler;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loaded ResShift model running whole images: the official inference per tile (pad, upsample, encode, sample,
 * decode, crop, clamp; spec §5.1), tiles in LQ space blended smoothly (or averaged as the official chop does),
 * the tile side chosen from memory and halved on out-of-memory, several tiles at once along the batch axis when a
 * GPU's memory allows (as the official {@code chop_bs}; fewer at once first on out-of-memory), per-tile noise forked
 * from the seed, previews, inpainting's mask blend, and the alpha plane resampled on its own.
 */
final class ResShiftPipeline implements RestorationPipeline {
    /** What a decoded preview costs, in sampler steps (one UNet call each), for the preview budget. */
    static final double DECODE_COST_IN_STEPS = 6.6;

    private static final Logger LOG = LoggerFactory.getLogger(ResShiftPipeline.class);

    private final PipelineDescriptor descriptor;
    private final ResShiftModel model;
    private final Device device;
    private final NDManager weights;
    /** Side of the int8 calibration crop, in input pixels (one 64 px tile: one v3 64 -> 256 run). */
    static final int INT8_CALIBRATION_SIDE = 64;
    private final Int8Mode int8 = new Int8Mode();
    /** Builds the float16 instance of the networks on the first half-precision run (null: none) */
    private final Supplier<ResShiftModel> halfLoader;
    private ResShiftModel halfModel;

    ResShiftPipeline(PipelineDescriptor descriptor, ResShiftModel model, Device device, NDManager weights) {
        this(descriptor, model, device, weights, null);
    }

    /**
     * @param halfLoader builds the networks in half precision (float16 weight copies in {@code weights}) the first
     *                   time a run asks for {@code precision=float16}; null when only {@code model}'s precision runs
     */
    ResShiftPipeline(PipelineDescriptor descriptor, ResShiftModel model, Device device, NDManager weights,
                     Supplier<ResShiftModel> halfLoader) {
        this.descriptor = descriptor;
        this.model = model;
        this.device = device;
        this.weights = weights;
        this.halfLoader = halfLoader;
    }

    @Override
    public PipelineDescriptor descriptor() {
        return descriptor;
    }

    ResShiftModel model() {
        return model;
    }

    /** The networks in the run's precision (the half-precision instance is built once, on first use). */
    synchronized ResShiftModel model(Precision precision) {
        if (precision == model.precision()) {
            return model;
        }
        if (halfModel == null) {
            if (precision != Precision.FLOAT16 || halfLoader == null) {
                throw new RestoraException("this ResShift pipeline cannot run in " + precision.id());
            }
            halfModel = halfLoader.get();
        }
        return halfModel;
    }

    /**
     * With {@code fast_mode=int8}, the run goes through this model's int8 network, calibrated on its first use by one
     * quiet run over all steps on the centre {@value #INT8_CALIBRATION_SIDE} px crop of the input (the whole input for
     * inpainting, whose mask has the input's size).
     */
    @Override
    public Media run(Media input, RunContext ctx) {
        ParameterValues p = ctx.parameters();
        if (!p.has(ResShiftProvider.FAST_MODE) || !Int8Calibration.INT8.equals(p.getString(ResShiftProvider.FAST_MODE))
                || !(input instanceof Media.Image im)) {
            return runFloat(input, ctx);
        }
        ImageBuffer crop = model.variant().task() == Task.INPAINTING ? im.image()
                : Int8Calibration.centerCrop(im.image(), INT8_CALIBRATION_SIDE);
        return int8.run(() -> {
            try (NDManager s = ctx.scope().newSubManager()) {
                runFloat(Media.of(crop), Int8Calibration.quiet(ctx.withScope(s)));
            }
        }, "one run over all steps on a " + crop.width() + "x" + crop.height() + " crop of the input",
                () -> runFloat(input, ctx));
    }

    /** The int8 network of this model once a run asked for it (benchmarks), else null. */
    Int8Network int8Network() {
        return int8.network();
    }

    private Media runFloat(Media input, RunContext ctx) {
        if (!(input instanceof Media.Image im)) {
            throw new RestoraException("ResShift restores images, not " + input.modality());
        }
        ImageBuffer img = im.image();
        ParameterValues p = ctx.parameters();
        ResShiftVariant v = model.variant();
        boolean oneStep = oneStep(p);
        Set<Integer> keySteps = keySteps(p, oneStep);
        Precision precision = Precision.parse(p.getString(ResShiftProvider.PRECISION));
        ResShiftModel runModel = model(precision);
        if (precision == Precision.FLOAT16 && !device.isGpu()) {
            LOG.info("precision float16 is meant for GPUs: on the CPU it runs slower than float32 (and, as on a GPU, "
                    + "approximate)");
        }
        int h = img.height();
        int w = img.width();
        int sf = v.scale();
        NDManager scope = ctx.scope();
        NDArray lq = scope.create(img.rgb(), new Shape(1, 3, h, w)).sub(0.5f).div(0.5f);
        NDArray mask = v.task() == Task.INPAINTING ? readMask(p, img, scope) : null;
        Blend blend = ResShiftProvider.TILING_OFFICIAL.equals(p.getString(ResShiftProvider.TILING)) ? Blend.AVERAGE
                : Blend.SMOOTH;
        int requested = p.getInt(ResShiftProvider.TILE_SIZE);
        int tile = requested > 0 ? requested : TileBudget.autoTile(v, device);
        boolean decodedPreviews = p.getBoolean(ResShiftProvider.DECODED_PREVIEWS);
        int overlapParam = p.getInt(ResShiftProvider.TILE_OVERLAP);
        int[] lqArgb = ctx.previews().enabled() ? ImageOps.toArgb(img) : null;
        int requestedBatch = p.getInt(ResShiftProvider.TILE_BATCH);
        // other noise sources (recorded noise) are one stream in run order: only a seeded run can fork per tile
        boolean batchable = ctx.noise() instanceof SeededNoise;
        NDArray result = Tiler.withRetry(tile, Math.min(tile, v.paddingOffset()), t -> {
            int overlap = overlapParam >= 0 ? Math.min(overlapParam, t - 1) : t / 8;
            int tiles = TilePlan.plan(h, w, t, Math.max(1, t - overlap)).size();
            // previews of a multi-tile run show the whole picture filling in
            TileMosaic mosaic = lqArgb != null && tiles > 1 ? new TileMosaic(w, h, lqArgb, sf) : null;
            int batch = !batchable ? 1 : Math.min(tiles, requestedBatch > 0 ? requestedBatch
                    : TileBudget.tilesAtOnce(v, device, t));
            // out of memory: fewer tiles at once first, then (withRetry) smaller tiles
            return OutOfMemory.halving(batch, 1, b -> {
                // each attempt in its own scope, so a failed attempt's canvas is freed before the retry
                try (NDManager attempt = scope.newSubManager()) {
                    NDArray r = Tiler.run(lq, mask, t, overlap, sf, 3, blend, b,
                            (group, n, lqTiles, maskTiles, tileScope) -> runTiles(runModel, group, n, b, lqTiles,
                                    maskTiles, tileScope, ctx, oneStep, keySteps, decodedPreviews, mosaic), ctx.token(),
                            attempt);
                    r.attach(scope);
                    return r;
                }
            }, fewer -> LOG.warn("out of memory; retrying with {} tiles at once", fewer),
                    b -> "out of memory with " + t + " px tiles one at a time");
        }, smaller -> LOG.warn("out of memory; retrying with {} px tiles", smaller));
        NDArray out01 = result.mul(0.5f).add(0.5f);
        if (mask != null) {
            // mask_back: keep the input outside the hole (spec §5.1)
            NDArray m = mask.mul(0.5f).add(0.5f);
            NDArray lq01 = lq.mul(0.5f).add(0.5f);
            out01 = out01.mul(m).add(lq01.mul(m.mul(-1f).add(1f)));
        }
        float[] rgb = out01.clip(0f, 1f).toFloatArray();
        float[] alpha = null;
        if (img.hasAlpha()) {
            // alpha is not part of the model (the official code drops it; we keep it): the core's alpha resampling
            alpha = ImageOps.resizeAlpha(img, w * sf, h * sf);
        }
        return Media.of(img.withPixels(w * sf, h * sf, rgb, alpha));
    }

    /**
     * Tiles of one size through the official sample_func together along the batch axis (each with its own forked
     * noise, so the result is each tile's alone), as a B x 3 x h·sf x w·sf array in [-1, 1]; with a {@code mosaic}
     * their previews are drawn into the whole picture, and so are their results.
     *
     * @param model    the networks in the run's precision
     * @param batch    the tiles per batch of this run (the last batch may hold fewer)
     * @param keySteps null: the exact denoiser; otherwise encoder propagation with these key steps (its kept
     *                 features live in {@code scope} and are freed when the tiles are done)
     */
    NDArray runTiles(ResShiftModel model, List<TilePlan.Tile> tiles, int count, int batch, NDArray lqTiles,
                     NDArray maskTiles, NDManager scope, RunContext ctx, boolean oneStep, Set<Integer> keySteps,
                     boolean decodedPreviews, TileMosaic mosaic) {
        ResShiftVariant v = model.variant();
        int b = tiles.size();
        int th = (int) lqTiles.getShape().get(2);
        int tw = (int) lqTiles.getShape().get(3);
        NDArray padded = model.pad(lqTiles);
        NDArray maskPadded = maskTiles == null ? null : model.pad(maskTiles);
        NDArray zY = model.encode(model.encoderInput(padded));
        ResShiftSampler sampler = model.sampler(zY, padded, maskPadded, oneStep);
        List<NoiseSource> forks = new ArrayList<>();
        for (TilePlan.Tile tile : tiles) {
            forks.add(ctx.noise() instanceof SeededNoise s ? s.fork(tile.index()) : ctx.noise());
        }
        // same run: the tiles' events count elapsed time from the start of the whole run (for the ETA)
        RunContext tileCtx = ctx.withScope(scope).withNoise(StackedNoise.of(forks));
        int first = tiles.get(0).index();
        String label = count == 1 ? "" : b == 1 ? "tile " + (first + 1) + "/" + count
                : "tiles " + (first + 1) + "-" + (first + b) + "/" + count;
        Stage stage = new Stage(first / batch, (count + batch - 1) / batch, label);
        PreviewRenderer quick = null;
        PreviewRenderer full = null;
        NDArray[] lastDecoded = new NDArray[1];
        int lastStep = sampler.steps() - 1;
        if (ctx.previews().enabled()) {
            int pool = v.latentFactor() / v.scale();
            NDArray padded01 = padded.mul(0.5f).add(0.5f);
            List<LatentPreview> fits = new ArrayList<>();
            for (int i = 0; i < b; i++) {
                fits.add(LatentPreview.fit(element(zY, i, b), element(padded01, i, b), Math.max(1, pool)));
            }
            int lh = (int) Math.ceil(th * v.scale() / (double) v.latentFactor());
            int lw = (int) Math.ceil(tw * v.scale() / (double) v.latentFactor());
            String latentLabel = label.isEmpty() ? "latent" : "latent, " + label;
            quick = (x0, step) -> {
                if (mosaic == null) {
                    return fits.get(0).render(x0, latentLabel, lh, lw);
                }
                for (int i = 0; i < b - 1; i++) {
                    mosaic.keep(tiles.get(i), fits.get(i).render(element(x0, i, b), latentLabel, lh, lw));
                }
                return mosaic.show(tiles.get(b - 1), fits.get(b - 1).render(element(x0, b - 1, b), latentLabel, lh,
                        lw));
            };
            if (decodedPreviews) {
                // a decode costs about 6.6 UNet calls at x4 (measured with ResShiftBenchmark): declared so that the
                // loop's preview budget skips it unless the run can afford it (the last step's decode is reused)
                full = PreviewRenderer.costing(DECODE_COST_IN_STEPS, (x0, step) -> {
                    NDArray decoded = model.decode(x0);
                    if (step == lastStep) {
                        // the final output equals x̂0 of the last step: decode it once, kept past the step's NDScope
                        ai.djl.ndarray.NDScope.unregister(decoded);
                        decoded.attach(scope);
                        lastDecoded[0] = decoded;
                    }
                    NDArray clean = model.cropClamp(decoded, th, tw);
                    String what = label.isEmpty() ? "predicted clean" : "predicted clean, " + label;
                    if (mosaic == null) {
                        return LatentPreview.image(clean, what);
                    }
                    for (int i = 0; i < b - 1; i++) {
                        mosaic.keep(tiles.get(i), forMosaic(mosaic, tiles.get(i), element(clean, i, b), what));
                    }
                    return mosaic.show(tiles.get(b - 1), forMosaic(mosaic, tiles.get(b - 1), element(clean, b - 1, b),
                            what));
                });
            }
        }
        DiffusionLoop.Result r;
        try (EncoderPropagation propagation = keySteps == null ? null : new EncoderPropagation(keySteps, scope)) {
            r = new DiffusionLoop(tileCtx, full, quick).run(sampler, model.denoiser(propagation), scope, stage);
        }
        boolean reuse = lastDecoded[0] != null && r.stepsDone() == sampler.steps() && !r.finishedEarly();
        NDArray decoded = reuse ? lastDecoded[0] : model.decode(r.output());
        NDArray out = model.cropClamp(decoded, th, tw);
        if (mosaic != null) {
            for (int i = 0; i < b; i++) {
                mosaic.keep(tiles.get(i), forMosaic(mosaic, tiles.get(i), element(out, i, b), "restored"));
            }
        }
        return out;
    }

    /** Element {@code i} of a batch of {@code b} as a batch of one. */
    private static NDArray element(NDArray x, int i, int b) {
        return b == 1 ? x : x.get(i + ":" + (i + 1));
    }

    /** A 1 x 3 x H x W image in [-1, 1] as a picture for the mosaic, subsampled on the device to the tile's place. */
    private static PreviewFrame.Image forMosaic(TileMosaic mosaic, TilePlan.Tile tile, NDArray img, String label) {
        int k = mosaic.subsampling(tile, img.getShape().get(3));
        return LatentPreview.image(k == 1 ? img : img.get(":, :, ::" + k + ", ::" + k), label);
    }

    /** Whether to run SinSR's one step; the steps parameter may only pick the trained T (or 1 for one-step models). */
    boolean oneStep(ParameterValues p) {
        ResShiftVariant v = model.variant();
        int steps = p.getInt(ResShiftProvider.STEPS);
        if (steps == 0) {
            return v.oneStep();
        }
        if (v.oneStep() && steps == 1) {
            return true;
        }
        if (steps == v.steps()) {
            return false;
        }
        throw new RestoraException("steps=" + steps + " is not possible for " + v.id() + ": it was trained on a "
                + v.steps() + "-step schedule" + (v.oneStep() ? "; use 1 (one step) or " + v.steps() : "; use "
                + v.steps()) + " (0 = the model's default)");
    }

    /**
     * The key steps when the run asks for encoder propagation, else null (exact). Refused for SinSR's one step: a
     * single network call runs the encoder anyway and has nothing to reuse.
     */
    Set<Integer> keySteps(ParameterValues p, boolean oneStep) {
        if (!p.has(ResShiftProvider.FAST_MODE)
                || !p.getString(ResShiftProvider.FAST_MODE).equals(ResShiftProvider.ENCODER_PROPAGATION)) {
            return null;
        }
        if (oneStep) {
            throw new RestoraException("fast_mode=" + ResShiftProvider.ENCODER_PROPAGATION + " needs several steps: "
                    + model.variant().id() + " runs one network call, which computes the encoder anyway (nothing to "
                    + "reuse); use steps=" + model.variant().steps() + " or fast_mode=" + ResShiftProvider.EXACT);
        }
        String name = p.has(ResShiftProvider.KEY_STEPS) ? p.getString(ResShiftProvider.KEY_STEPS) : KeySteps.AUTO;
        try {
            return KeySteps.schedule(name, model.variant().steps());
        } catch (IllegalArgumentException e) {
            throw new RestoraException(ResShiftProvider.KEY_STEPS + ": " + e.getMessage());
        }
    }

    /** The inpainting mask from the 'mask' parameter: a grayscale image of the input's size, white = fill. */
    static NDArray readMask(ParameterValues p, ImageBuffer img, NDManager scope) {
        String path = p.getString(ResShiftProvider.MASK);
        if (path == null || path.isBlank()) {
            throw new RestoraException("inpainting needs a mask: set the parameter '" + ResShiftProvider.MASK
                    + "' to a grayscale image of the same size as the input (white = region to fill)");
        }
        Path file = Path.of(path);
        ImageBuffer m = ImageCodec.read(file);
        if (m.width() != img.width() || m.height() != img.height()) {
            throw new RestoraException(file + ": the mask is " + m.width() + "x" + m.height() + " but the image is "
                    + img.width() + "x" + img.height());
        }
        int n = m.width() * m.height();
        float[] rgb = m.rgb();
        float[] g = new float[n];
        for (int i = 0; i < n; i++) {
            float r = rgb[i];
            float gr = rgb[n + i];
            float b = rgb[2 * n + i];
            g[i] = r == gr && gr == b ? r : (float) (0.299 * r + 0.587 * gr + 0.114 * b);
        }
        return scope.create(g, new Shape(1, 1, m.height(), m.width())).sub(0.5f).div(0.5f);
    }

    @Override
    public void close() {
        int8.close();
        weights.close();
    }
}
