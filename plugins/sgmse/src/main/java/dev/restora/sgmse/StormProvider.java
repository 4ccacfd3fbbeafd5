package dev.restora.sgmse;

import dev.restora.core.models.CatalogEntry;
import dev.restora.core.pipeline.Modality;
import dev.restora.core.pipeline.ModelOption;
import dev.restora.core.pipeline.PipelineBenchmark;
import dev.restora.core.pipeline.PipelineContext;
import dev.restora.core.pipeline.PipelineDescriptor;
import dev.restora.core.pipeline.PipelineProvider;
import dev.restora.core.pipeline.RestorationPipeline;
import java.util.List;

/**
 * StoRM (stochastic regeneration; Lemercier et al. 2023): a predictive NCSN++ estimate refined by score-based
 * diffusion around it, from the official single-file checkpoints.
 */
public final class StormProvider implements PipelineProvider {
    public static final String ID = "storm";

    @Override
    public PipelineDescriptor descriptor() {
        List<ModelOption> models = SpeechCatalog.storm().stream().map(SpeechCatalog.Release::option).toList();
        return new PipelineDescriptor(ID, "StoRM speech enhancement", Modality.SPEECH,
                "Predictive denoiser followed by diffusion-based regeneration (OUVE SDE, predictor-corrector sampler).",
                models, SpeechParameters.specs(List.of("pc", "denoiser"),
                        "pc: the full StoRM sampler (official default); denoiser: the predictive estimate only"));
    }

    @Override
    public List<CatalogEntry> catalog() {
        return SpeechCatalog.storm().stream().map(r -> r.entry(SpeechCatalog.STORM_LICENCE)).toList();
    }

    @Override
    public RestorationPipeline create(PipelineContext context) {
        SpeechCatalog.Release release = SpeechCatalog.find(SpeechCatalog.storm(), context.model().id());
        LoadedCheckpoint ckpt = SpeechProviders.read(context, release.id());
        StormModel model = StormModel.load(ckpt, false);
        if (ckpt.emaShadowParams().isPresent()) {
            SpeechProviders.freeUnused(ckpt, ckpt.inferenceWeights(List.of(StormModel.DENOISER_PREFIX,
                    StormModel.SCORE_PREFIX)));
        }
        return new SpeechEnhancementPipeline(descriptor(), new StormEnhancer(model), RateConverters.standard(),
                new SpeechEnhancementPipeline.Recommended(release.steps(), release.snr()));
    }

    @Override
    public PipelineBenchmark benchmark() {
        return new SpeechBenchmark(true);
    }
}
