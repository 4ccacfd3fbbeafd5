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
 * SGMSE+ (score-based speech enhancement; Richter et al. 2023) and its Schrödinger-bridge variant, running the
 * official Lightning checkpoints: the STFT, SDE, backbone and scalings come from each checkpoint.
 */
public final class SgmseProvider implements PipelineProvider {
    public static final String ID = "sgmse";

    @Override
    public PipelineDescriptor descriptor() {
        List<ModelOption> models = SpeechCatalog.sgmse().stream().map(SpeechCatalog.Release::option).toList();
        return new PipelineDescriptor(ID, "SGMSE+ speech enhancement", Modality.SPEECH,
                "Score-based diffusion speech enhancement and dereverberation (OUVE SDE, predictor-corrector sampler; "
                        + "Schrödinger-bridge checkpoints use their ODE sampler).",
                models, SpeechParameters.specs(List.of("pc", "ode", "sde"),
                        "pc: predictor-corrector (official default); ode: probability-flow ODE (adaptive RK45, "
                                + "deterministic; hundreds of network calls, several times slower than pc) for OUVE "
                                + "models, the bridge ODE for bridge models; sde: the stochastic bridge sampler"));
    }

    @Override
    public List<CatalogEntry> catalog() {
        return SpeechCatalog.sgmse().stream().map(r -> r.entry(SpeechCatalog.SGMSE_LICENCE)).toList();
    }

    @Override
    public RestorationPipeline create(PipelineContext context) {
        SpeechCatalog.Release release = SpeechCatalog.find(SpeechCatalog.sgmse(), context.model().id());
        LoadedCheckpoint ckpt = SpeechProviders.read(context, release.id());
        if (StormModel.isStorm(ckpt)) {
            throw new dev.restora.core.RestoraException(ckpt.source() + " is a StoRM checkpoint; use the StoRM pipeline");
        }
        SgmseModel model = SgmseModel.load(ckpt, false);
        if (ckpt.emaShadowParams().isPresent()) {
            SpeechProviders.freeUnused(ckpt, ckpt.inferenceWeights(List.of(SgmseModel.PREFIX)));
        }
        int steps = release.steps() > 0 ? release.steps()
                : model.isBridge() ? model.bridgeSteps() : SgmseEnhancer.DEFAULT_STEPS;
        return new SpeechEnhancementPipeline(descriptor(), new SgmseEnhancer(model), RateConverters.standard(),
                new SpeechEnhancementPipeline.Recommended(steps, release.snr()));
    }

    @Override
    public PipelineBenchmark benchmark() {
        return new SpeechBenchmark(false);
    }
}
