package dev.restora.core.restore;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.restora.core.RestoraException;
import dev.restora.core.diffusion.CancellationToken;
import dev.restora.core.diffusion.CancelledException;
import dev.restora.core.diffusion.PreviewPolicy;
import dev.restora.core.diffusion.SeededNoise;
import dev.restora.core.diffusion.StepListener;
import dev.restora.core.image.ImageBuffer;
import dev.restora.core.image.ImageOps;
import dev.restora.core.jobs.JobContext;
import dev.restora.core.jobs.JobTask;
import dev.restora.core.jobs.PipelineCache;
import dev.restora.core.models.ModelResolver;
import dev.restora.core.pipeline.Media;
import dev.restora.core.pipeline.ModelOption;
import dev.restora.core.pipeline.ParameterSpec;
import dev.restora.core.pipeline.ParameterValues;
import dev.restora.core.pipeline.PipelineDescriptor;
import dev.restora.core.pipeline.RestorationPipeline;
import dev.restora.core.pipeline.RunContext;
import dev.restora.core.plugins.PipelineRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Restores one file: reads the input (image or WAV, by content), checks it suits the pipeline, runs the pipeline with
 * a seeded noise source, puts the input's alpha back (resampled to the output size when the pipeline dropped it),
 * and writes the result in the input's format, atomically (a failed run leaves no output file). Every failure is a
 * {@link RestoreFailedException} whose message names the file; cancellation is a {@link CancelledException}.
 *
 * <p>As a {@link JobTask} it runs on a {@link dev.restora.core.jobs.WorkerPool} lane, taking the pipeline from the
 * lane's cache, the job's NDManager, device, token and progress listener. {@link #run(StepListener,
 * CancellationToken)} runs it on the calling thread, loading the pipeline and freeing it afterwards;
 * {@link #runWith} uses one already loaded.
 */
public final class RestoreTask implements JobTask<RestoreResult> {
    private final RestoreRequest request;
    private final PipelineRegistry registry;
    private final ModelResolver models;
    private PreviewPolicy previews = PreviewPolicy.OFF;

    public RestoreTask(RestoreRequest request, PipelineRegistry registry, ModelResolver models) {
        this.request = request;
        this.registry = registry;
        this.models = models;
    }

    public RestoreRequest request() {
        return request;
    }

    /** When the pipeline should render previews into the step events (off by default). */
    public RestoreTask previews(PreviewPolicy policy) {
        this.previews = policy;
        return this;
    }

    /** Runs on a worker lane; the job's device is used (the request's device chooses the lane when submitting). */
    @Override
    public RestoreResult run(JobContext context) {
        return runCached(context.pipelines(), context.manager(), context.listener(), context.token());
    }

    /**
     * Restores the file on the calling thread with the pipeline from {@code pipelines} (loaded there on a miss and
     * kept for the next file), on the cache's device, every NDArray of the run in a sub-manager of {@code scope}
     * closed before this returns. The worker lanes and the Spark executors run files this way.
     */
    public RestoreResult runCached(PipelineCache pipelines, NDManager scope, StepListener listener,
                                   CancellationToken token) {
        PipelineRegistry.Registered reg = pipeline();
        PipelineDescriptor d = reg.descriptor();
        parameters(d, 0);
        MediaFiles.Loaded input = readInput(d);
        token.throwIfCancelled();
        ModelOption model = model(d);
        RestorationPipeline p = cached(reg, model, pipelines);
        return execute(p, d, model, pipelines.device(), scope, input, listener, token);
    }

    /**
     * Restores media already decoded (the studio's open item) on a worker lane and returns the result with the
     * input's alpha, writing nothing: the same checks, lane pipeline cache, seeding, native scope and error messages
     * as a file restore. The request's input path only names the input in messages; its output is not used.
     */
    public Media runOn(Media input, JobContext context) {
        PipelineRegistry.Registered reg = pipeline();
        PipelineDescriptor d = reg.descriptor();
        parameters(d, 0);
        checkKind(request.input(), input, d);
        context.token().throwIfCancelled();
        ModelOption model = model(d);
        RestorationPipeline p = cached(reg, model, context.pipelines());
        return restore(p, d, context.device(), context.manager(), input, context.listener(), context.token(),
                seed(d));
    }

    private RestorationPipeline cached(PipelineRegistry.Registered reg, ModelOption model, PipelineCache pipelines) {
        LoadedPipeline.RecordingResolver resolver = new LoadedPipeline.RecordingResolver(models);
        for (String entry : model.catalogEntryIds()) {
            resolver.require(entry);
        }
        try {
            return pipelines.get(reg.provider(), model.id(), resolver);
        } catch (RuntimeException | LinkageError e) {
            throw LoadedPipeline.loadFailure(reg, model, resolver, e);
        }
    }

    /** Loads the pipeline, restores the file and frees the pipeline, on the calling thread. */
    public RestoreResult run(StepListener listener, CancellationToken token) {
        PipelineRegistry.Registered reg = pipeline();
        // check the parameters and the input before the (possibly slow) load
        parameters(reg.descriptor(), 0);
        MediaFiles.Loaded input = readInput(reg.descriptor());
        token.throwIfCancelled();
        try (LoadedPipeline loaded = LoadedPipeline.load(reg, request.modelId(), request.device(), models)) {
            return execute(loaded.pipeline(), reg.descriptor(), loaded.model(), loaded.device(), null, input,
                    listener, token);
        }
    }

    /** Restores the file with a pipeline already loaded (its id must be the request's), on the calling thread. */
    public RestoreResult runWith(LoadedPipeline loaded, StepListener listener, CancellationToken token) {
        if (!loaded.pipelineId().equals(request.pipelineId())) {
            throw new IllegalArgumentException("loaded pipeline " + loaded.pipelineId() + " is not "
                    + request.pipelineId());
        }
        PipelineDescriptor d = loaded.registered().descriptor();
        parameters(d, 0);
        MediaFiles.Loaded input = readInput(d);
        return execute(loaded.pipeline(), d, loaded.model(), loaded.device(), null, input, listener, token);
    }

    private PipelineRegistry.Registered pipeline() {
        try {
            return registry.require(request.pipelineId());
        } catch (RestoraException e) {
            throw new RestoreFailedException(RestoreFailedException.Reason.USAGE, e.getMessage(), e);
        }
    }

    private ModelOption model(PipelineDescriptor d) {
        try {
            return d.requireModel(request.modelId());
        } catch (IllegalArgumentException e) {
            throw new RestoreFailedException(RestoreFailedException.Reason.USAGE, e.getMessage(), e);
        }
    }

    /** The validated parameters, with the seed parameter (if the pipeline has one) set to {@code seed}. */
    private ParameterValues parameters(PipelineDescriptor d, long seed) {
        Map<String, Object> overrides = new LinkedHashMap<>(request.parameters());
        for (ParameterSpec<?> s : d.parameters()) {
            if (s instanceof ParameterSpec.SeedSpec) {
                overrides.put(s.id(), seed);
            }
        }
        try {
            return ParameterValues.of(d.parameters(), overrides);
        } catch (IllegalArgumentException e) {
            throw new RestoreFailedException(RestoreFailedException.Reason.USAGE, "pipeline " + d.id() + ": " + e.getMessage(), e);
        }
    }

    private MediaFiles.Loaded readInput(PipelineDescriptor d) {
        Path in = request.input();
        MediaFiles.Loaded loaded = MediaFiles.read(in);
        checkKind(in, loaded.media(), d);
        return loaded;
    }

    private static void checkKind(Path in, Media media, PipelineDescriptor d) {
        if (media.modality() != d.modality()) {
            throw new RestoreFailedException(RestoreFailedException.Reason.INPUT, in + ": is " + describe(media)
                    + " but pipeline " + d.id() + " restores " + d.modality().name().toLowerCase(java.util.Locale.ROOT)
                    + "; choose another pipeline with --pipeline");
        }
    }

    private static String describe(Media m) {
        return m instanceof Media.Image ? "an image" : "an audio recording";
    }

    /** @param parentScope the job's manager (a sub-manager is used), or null for a fresh base manager */
    private RestoreResult execute(RestorationPipeline pipeline, PipelineDescriptor d, ModelOption model, Device device,
                                  NDManager parentScope, MediaFiles.Loaded input, StepListener listener,
                                  CancellationToken token) {
        Path in = request.input();
        Path out = request.output();
        try {
            if (Files.exists(out) && Files.isSameFile(in, out)) {
                throw new RestoreFailedException(RestoreFailedException.Reason.USAGE, out + ": the output would overwrite the input");
            }
        } catch (java.io.IOException e) {
            throw new RestoreFailedException(RestoreFailedException.Reason.OUTPUT, out + ": " + e.getMessage(), e);
        }
        long seed = seed(d);
        long t0 = System.nanoTime();
        Media result = restore(pipeline, d, device, parentScope, input.media(), listener, token, seed);
        Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);
        MediaFiles.write(result, input.format(), out);
        return new RestoreResult(in, out, d.id(), model.id(), seed, elapsed, takesSeed(d));
    }

    /** Runs the pipeline in its own scope and returns the result with the input's alpha; failures name the input. */
    private Media restore(RestorationPipeline pipeline, PipelineDescriptor d, Device device, NDManager parentScope,
                          Media input, StepListener listener, CancellationToken token, long seed) {
        Path in = request.input();
        ParameterValues params = parameters(d, seed);
        long t0 = System.nanoTime();
        Media result;
        try (NDManager scope = parentScope != null ? parentScope.newSubManager(device)
                : NDManager.newBaseManager(device)) {
            RunContext ctx = new RunContext(scope, device, params, new SeededNoise(seed),
                    listener == null ? StepListener.NONE : listener, token, previews, t0);
            result = pipeline.run(input, ctx);
            if (result == null) {
                throw new IllegalStateException("the pipeline returned no output");
            }
        } catch (CancelledException | RestoreFailedException e) {
            throw e;
        } catch (OutOfMemoryError e) {
            throw new RestoreFailedException(RestoreFailedException.Reason.PIPELINE, in + ": out of memory in pipeline " + d.id()
                    + " (try a smaller input or give Java more memory with -Xmx)", e);
        } catch (RestoraException e) {
            throw new RestoreFailedException(RestoreFailedException.Reason.PIPELINE, MediaFiles.named(in, e.getMessage()), e);
        } catch (RuntimeException | LinkageError e) {
            throw new RestoreFailedException(RestoreFailedException.Reason.PIPELINE, in + ": pipeline " + d.id() + " failed ("
                    + e + ")", e);
        }
        token.throwIfCancelled();
        return withAlpha(input, result);
    }

    /** The input's alpha carried to an output that has none, resampled when the size changed. */
    public static Media withAlpha(Media input, Media output) {
        if (input instanceof Media.Image src && output instanceof Media.Image dst && src.image().hasAlpha()
                && !dst.image().hasAlpha()) {
            ImageBuffer s = src.image();
            ImageBuffer o = dst.image();
            float[] alpha = ImageOps.resizeAlpha(s, o.width(), o.height());
            return Media.of(o.withPixels(o.width(), o.height(), o.rgb(), alpha));
        }
        return output;
    }

    /** Whether the pipeline has a seed parameter (a deterministic pipeline has none). */
    public static boolean takesSeed(PipelineDescriptor d) {
        return d.parameters().stream().anyMatch(s -> s instanceof ParameterSpec.SeedSpec);
    }

    /** The request's seed; else a seed parameter set in the overrides; else a fresh one. */
    private long seed(PipelineDescriptor d) {
        if (request.seed() != RestoreRequest.RANDOM_SEED) {
            return request.seed();
        }
        for (ParameterSpec<?> s : d.parameters()) {
            Object v = request.parameters().get(s.id());
            if (s instanceof ParameterSpec.SeedSpec seedSpec && v != null) {
                long given;
                try {
                    given = v instanceof String text ? seedSpec.parse(text) : seedSpec.validate(v);
                } catch (IllegalArgumentException e) {
                    throw new RestoreFailedException(RestoreFailedException.Reason.USAGE, "pipeline " + d.id() + ": "
                            + e.getMessage(), e);
                }
                if (given != RestoreRequest.RANDOM_SEED) {
                    return given;
                }
            }
        }
        return SeededNoise.randomSeed();
    }
}
