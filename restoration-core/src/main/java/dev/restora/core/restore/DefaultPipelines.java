package dev.restora.core.restore;

import dev.restora.core.pipeline.Modality;
import dev.restora.core.pipeline.ParameterSpec;
import dev.restora.core.plugins.PipelineRegistry;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The pipeline a file gets when the user names none: the one place the CLI ({@code restore}, {@code batch}), the
 * studio and the Spark job ask. Per media kind an ordered preference list; the first registered pipeline wins,
 * else the first weight-free pipeline of that kind (no catalog entry to download).
 */
public final class DefaultPipelines {
    /**
     * Preferred defaults, best first. The learned upscaler leads where its plugin is installed (esrgan: its default
     * model, esrgan-thick x4, is bundled, so it needs no download); classic-image is the weight-free fallback, and
     * the choice for x2/x3 (its {@code scale} parameter) until the esrgan x2/x3 models are downloaded.
     */
    static final Map<Modality, List<String>> PREFERRED = Map.of(
            Modality.IMAGE, List.of("esrgan", "classic-image"),
            Modality.SPEECH, List.of("classic-speech"));

    private DefaultPipelines() {
    }

    /** The default pipeline id for {@code kind}, or empty when no installed pipeline can serve it without weights. */
    public static Optional<String> forKind(PipelineRegistry registry, Modality kind) {
        for (String id : PREFERRED.getOrDefault(kind, List.of())) {
            if (registry.find(id).isPresent()) {
                return Optional.of(id);
            }
        }
        return registry.byModality(kind).stream()
                .filter(r -> r.descriptor().defaultModel().catalogEntryIds().isEmpty())
                .map(r -> r.descriptor().id()).findFirst();
    }

    /**
     * The default for {@code kind} given the parameters the user set: a preferred pipeline that lacks one of them
     * is passed over. So {@code --param scale=2} (classic-image's scale; esrgan's scale is its model's) keeps x2 and
     * x3 on the weight-free classic-image unless the user picks an esrgan model of that scale.
     */
    public static Optional<String> forKind(PipelineRegistry registry, Modality kind, Collection<String> parameters) {
        if (parameters == null || parameters.isEmpty()) {
            return forKind(registry, kind);
        }
        for (String id : PREFERRED.getOrDefault(kind, List.of())) {
            Optional<PipelineRegistry.Registered> r = registry.find(id);
            if (r.isPresent() && r.get().descriptor().parameters().stream().map(ParameterSpec::id).toList()
                    .containsAll(parameters)) {
                return Optional.of(id);
            }
        }
        return forKind(registry, kind);
    }

    /** The preferred ids for {@code kind}, for messages ("... is not installed"). */
    public static List<String> preferred(Modality kind) {
        return PREFERRED.getOrDefault(kind, List.of());
    }
}
