package dev.restora.resshift;

import dev.restora.core.checkpoint.Checkpoint;
import dev.restora.core.diffusion.KeySteps;
import dev.restora.core.checkpoint.StateDict;
import dev.restora.core.models.CatalogEntry;
import dev.restora.core.models.ExpectedStructure;
import dev.restora.core.nn.Precision;
import dev.restora.core.pipeline.Modality;
import dev.restora.core.pipeline.ParameterSpec;
import dev.restora.core.pipeline.PipelineBenchmark;
import dev.restora.core.pipeline.PipelineContext;
import dev.restora.core.pipeline.PipelineDescriptor;
import dev.restora.core.pipeline.PipelineProvider;
import dev.restora.core.pipeline.RestorationPipeline;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;

/**
 * ResShift and SinSR image restoration (spec): every released configuration is a model option, loaded from the
 * official .pth files.
 *
 * <p>Parameters: {@code seed}; {@code steps} (0 = the model's own; SinSR also takes 1 = one step or 15 = the full
 * loop); {@code tile_size} in input pixels (0 = chosen from free memory, halved on out-of-memory);
 * {@code tile_overlap} in input pixels (-1 = an eighth of the tile); {@code tile_batch}: tiles run together along
 * the batch axis (0 = from a GPU's free memory, 1 on the CPU); {@code tiling} ({@code smooth}: raised-cosine
 * blending, {@code official}: the reference's plain average); {@code mask}: for the inpainting models, the path of
 * a grayscale mask image of the input's size, white (255) = region to fill, black = keep (the official
 * {@code --mask_path} file); {@code decoded_previews}: whether previews decode x̂0 (else only the cheap latent
 * preview); {@code fast_mode} ({@code exact}, or {@code encoder-propagation}: APPROXIMATE, the Swin-UNet's encoder
 * at key steps only, see {@link dev.restora.core.diffusion.EncoderPropagation}) with {@code key_steps} (see
 * {@link dev.restora.core.diffusion.KeySteps}); {@code precision}: {@code float32} (exact, the default) or
 * {@code float16} (APPROXIMATE: the official sampler's autocast, meant for GPUs; see
 * {@link ResShiftModel#load(ResShiftVariant, StateDict, StateDict, ai.djl.ndarray.NDManager, Precision)}).
 */
public final class ResShiftProvider implements PipelineProvider {
    public static final String ID = "resshift";
    public static final String SEED = "seed";
    public static final String STEPS = "steps";
    public static final String TILE_SIZE = "tile_size";
    public static final String TILE_OVERLAP = "tile_overlap";
    public static final String TILING = "tiling";
    public static final String TILING_SMOOTH = "smooth";
    public static final String TILING_OFFICIAL = "official";
    public static final String MASK = "mask";
    public static final String DECODED_PREVIEWS = "decoded_previews";
    public static final String TILE_BATCH = "tile_batch";
    /** Speed mode: exact (default) or an approximate fast mode. */
    public static final String FAST_MODE = "fast_mode";
    public static final String KEY_STEPS = "key_steps";
    public static final String EXACT = "exact";
    public static final String ENCODER_PROPAGATION = "encoder-propagation";
    /** Compute precision: float32 (exact, default) or float16 (approximate, the official autocast on a GPU). */
    public static final String PRECISION = "precision";

    private final List<ResShiftVariant> variants;

    /** The released models (what ServiceLoader builds). */
    public ResShiftProvider() {
        this(ResShiftModels.variants());
    }

    /** Other model configurations (tests run the pipeline on small checkpoints). */
    public ResShiftProvider(List<ResShiftVariant> variants) {
        this.variants = List.copyOf(variants);
    }

    static List<ParameterSpec<?>> parameters() {
        return List.of(
                new ParameterSpec.SeedSpec(SEED, "Seed", "Random seed; the same seed gives the same result"),
                new ParameterSpec.IntSpec(STEPS, "Steps", "0 = the model's trained schedule; SinSR: 1 (one step) or "
                        + "15 (full loop)", 0, 0, 15),
                new ParameterSpec.IntSpec(TILE_SIZE, "Tile size", "Tile side in input pixels; 0 = from free memory",
                        0, 0, 4096),
                new ParameterSpec.IntSpec(TILE_OVERLAP, "Tile overlap", "Overlap of neighbouring tiles in input "
                        + "pixels; -1 = an eighth of the tile", -1, -1, 2048),
                new ParameterSpec.ChoiceSpec(TILING, "Tile blending", "smooth: raised-cosine blending of overlaps; "
                        + "official: the reference implementation's plain average", TILING_SMOOTH,
                        List.of(TILING_SMOOTH, TILING_OFFICIAL)),
                new ParameterSpec.PathSpec(MASK, "Mask (inpainting)", "Grayscale image of the input's size; white = "
                        + "region to fill. Required by the inpainting models, ignored by the others"),
                new ParameterSpec.IntSpec(TILE_BATCH, "Tiles at once", "Tiles that go through the networks together "
                        + "(same result); 0 = as many as a GPU's free memory holds, one at a time on the CPU", 0, 0,
                        16),
                new ParameterSpec.BoolSpec(DECODED_PREVIEWS, "Decoded previews", "Decode the predicted image for "
                        + "previews (costs one decoder pass each); otherwise only the quick latent preview", true),
                new ParameterSpec.ChoiceSpec(FAST_MODE, "Speed mode", "exact: the official computation (default); "
                        + "encoder-propagation: APPROXIMATE, the denoiser's encoder runs at key steps only and its "
                        + "features are reused in between (Faster Diffusion, Li et al. 2024; not for SinSR's one "
                        + "step); " + dev.restora.core.nn.quant.Int8Calibration.HELP, EXACT,
                        List.of(EXACT, ENCODER_PROPAGATION, dev.restora.core.nn.quant.Int8Calibration.INT8)),
                new ParameterSpec.ChoiceSpec(KEY_STEPS, "Key steps", "With encoder-propagation: the steps where the "
                        + "encoder runs. auto: the paper's schedule (dense early, sparse late) scaled to the steps, "
                        + "or every other step where that would keep every step (the 4-step models); paper: the "
                        + "paper's schedule scaled (every step below 6 steps); every-K: every K-th step",
                        KeySteps.AUTO, List.of(KeySteps.AUTO, KeySteps.PAPER, "every-2", "every-3")),
                new ParameterSpec.ChoiceSpec(PRECISION, "Precision", "float32: exact (default); float16: "
                        + "APPROXIMATE half precision following the official code's autocast on a GPU (convolutions, "
                        + "linear layers and attention products in float16, norms and softmax in float32); meant for "
                        + "GPUs, slower than float32 on a CPU", Precision.FLOAT32.id(),
                        List.of(Precision.FLOAT32.id(), Precision.FLOAT16.id())));
    }

    @Override
    public PipelineDescriptor descriptor() {
        return new PipelineDescriptor(ID, "ResShift", Modality.IMAGE,
                "Diffusion restoration by residual shifting: x4 super-resolution, inpainting, face restoration, "
                        + "and the one-step SinSR.",
                variants.stream().map(ResShiftVariant::option).toList(), parameters());
    }

    @Override
    public List<CatalogEntry> catalog() {
        return ResShiftModels.catalog();
    }

    /** Tensors that tell the weight files apart (first conv, head, codebook), with their released shapes. */
    @Override
    public ExpectedStructure expectedStructure(String catalogEntryId) {
        for (ResShiftVariant v : ResShiftModels.variants()) {
            if (v.unetEntry().equals(catalogEntryId)) {
                Map<String, Shape> shapes = RandomWeights.unetShapes(v.unet());
                return structure(shapes, "time_embed.0.weight", "input_blocks.0.0.weight", "out.2.weight",
                        v.unet().lqStages() > 0 ? "feature_extractor.0.weight" : "middle_block.1.patch_embed.proj.weight");
            }
            if (v.vqEntry().equals(catalogEntryId)) {
                Map<String, Shape> shapes = RandomWeights.vqShapes(v.vq());
                return structure(shapes, "encoder.conv_in.weight", "quantize.embedding.weight", "decoder.conv_out.weight");
            }
        }
        return null;
    }

    private static ExpectedStructure structure(Map<String, Shape> shapes, String... names) {
        ExpectedStructure e = ExpectedStructure.tensors();
        for (String n : names) {
            e = e.withShape(n, shapes.get(n).getShape());
        }
        return e;
    }

    @Override
    public RestorationPipeline create(PipelineContext context) {
        ResShiftVariant v = variants.stream().filter(x -> x.id().equals(context.model().id())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("ResShift has no model '" + context.model().id() + "'"));
        var unetFile = context.models().require(v.unetEntry());
        var vqFile = context.models().require(v.vqEntry());
        StateDict unetWeights = Checkpoint.read(unetFile, context.manager()).stateDict();
        StateDict vqWeights = Checkpoint.read(vqFile, context.manager()).stateDict();
        ResShiftModel model = ResShiftModel.load(v, unetWeights, vqWeights, context.manager());
        // the half-precision instance shares nothing but the float32 tensors it copies from; built on first use
        return new ResShiftPipeline(descriptor(), model, context.device(), context.manager(),
                () -> ResShiftModel.load(v, unetWeights, vqWeights, context.manager(), Precision.FLOAT16));
    }

    @Override
    public PipelineBenchmark benchmark() {
        return new ResShiftBenchmark();
    }
}
