package dev.restora.esrgan;

import ai.djl.ndarray.NDManager;
import dev.restora.core.RestoraException;
import dev.restora.core.models.CatalogEntry;
import dev.restora.core.models.ModelFile;
import dev.restora.core.pipeline.Modality;
import dev.restora.core.pipeline.ModelOption;
import dev.restora.core.pipeline.ParameterSpec;
import dev.restora.core.pipeline.PipelineBenchmark;
import dev.restora.core.pipeline.PipelineContext;
import dev.restora.core.pipeline.PipelineDescriptor;
import dev.restora.core.pipeline.PipelineProvider;
import dev.restora.core.pipeline.RestorationPipeline;
import dev.restora.core.tfjs.ModelFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The learned upscaler that works offline out of the box: the ESRGAN/RDN networks of the UpscalerJS packages. The
 * default model, esrgan-thick x4, is bundled in the plugin's jar and read in place; every other package and scale
 * is a multi-file model-store entry ({@code model.json} and its shards, each pinned by SHA-256) fetched from jsDelivr.
 */
public final class EsrganProvider implements PipelineProvider {
    public static final String ID = "esrgan";
    public static final String TILE_SIZE = "tileSize";
    public static final String TILE_OVERLAP = "tileOverlap";
    /** Speed mode: exact (default) or int8 (approximate). */
    public static final String FAST_MODE = "fast_mode";
    public static final String EXACT = "exact";

    static final String LICENCE = "MIT License, Copyright (c) 2022 Kevin Scott (UpscalerJS); "
            + "https://github.com/thekevinscott/UpscalerJS/blob/main/LICENSE";

    private static final PipelineDescriptor DESCRIPTOR = new PipelineDescriptor(ID, "ESRGAN upscaler", Modality.IMAGE,
            "Trained super-resolution networks (ESRGAN/RDN, UpscalerJS, trained on DIV2K). esrgan-thick-x4 ships"
                    + " with the app and works offline; the other packages and the x2, x3 and x8 scales are downloads"
                    + " (restora models download esrgan-thick-x2, then --model esrgan-thick-x2). Without them, x2 or x3"
                    + " is classic-image's --param scale=2 (or 3), which needs no weights; restore and batch pick it"
                    + " by themselves when that parameter is given without a pipeline.",
            models(), List.of(
                    new ParameterSpec.IntSpec(TILE_SIZE, "Tile size",
                            "Largest tile side in input pixels (memory per tile grows with its square)", 256, 32, 2048),
                    new ParameterSpec.IntSpec(TILE_OVERLAP, "Tile overlap",
                            "Input pixels shared by neighbouring tiles, blended smoothly", 16, 0, 128),
                    new ParameterSpec.ChoiceSpec(FAST_MODE, "Speed mode", "exact: float32 (default); "
                            + dev.restora.core.nn.quant.Int8Calibration.HELP.replace(" over all sampler steps", ""),
                            EXACT, List.of(EXACT, dev.restora.core.nn.quant.Int8Calibration.INT8))));

    private static List<ModelOption> models() {
        List<ModelOption> out = new ArrayList<>();
        for (EsrganVariant v : EsrganVariant.values()) {
            String what = v.packageName() + " x" + v.scale() + " (" + v.architecture() + ", "
                    + String.format(Locale.ROOT, "%.1f MB", v.totalBytes() / 1e6) + ")";
            out.add(new ModelOption(v.id(), what, v.bundled() ? List.of() : List.of(v.id()), v.scale(),
                    v.bundled() ? "Bundled with the app: works offline. The best of the packages on photographs."
                            : "Download first: restora models download " + v.id()));
        }
        return out;
    }

    @Override
    public PipelineDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public List<CatalogEntry> catalog() {
        List<CatalogEntry> out = new ArrayList<>();
        for (EsrganVariant v : EsrganVariant.values()) {
            if (!v.bundled()) {
                String folder = v.files().get(0).url().substring(0, v.files().get(0).url().lastIndexOf('/') + 1);
                out.add(new CatalogEntry(v.id(), v.id(), folder, v.totalBytes(), null, LICENCE, false,
                        v.npmPackage() + " models/x" + v.scale() + ": model.json and " + (v.files().size() - 1)
                                + " weight shard(s)"));
            }
        }
        return out;
    }

    @Override
    public List<ModelFile> modelFiles(String catalogEntryId) {
        return Arrays.stream(EsrganVariant.values()).filter(v -> !v.bundled() && v.id().equals(catalogEntryId))
                .findFirst().map(EsrganVariant::files).orElse(List.of());
    }

    @Override
    public RestorationPipeline create(PipelineContext context) {
        EsrganVariant v = variant(context.model().id());
        NDManager weights = context.manager();
        EsrganModel model;
        if (v.bundled()) {
            model = EsrganModel.bundled(v, weights);
        } else {
            Path folder = context.models().require(v.id());
            model = EsrganModel.load(v, ModelFiles.folder(folder), weights);
        }
        return new EsrganPipeline(DESCRIPTOR, model);
    }

    static EsrganVariant variant(String modelId) {
        return Arrays.stream(EsrganVariant.values()).filter(v -> v.id().equals(modelId)).findFirst()
                .orElseThrow(() -> new RestoraException("pipeline " + ID + " has no model '" + modelId + "'"));
    }

    @Override
    public PipelineBenchmark benchmark() {
        return new EsrganBenchmark();
    }
}
