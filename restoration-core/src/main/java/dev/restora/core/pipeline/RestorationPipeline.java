package dev.restora.core.pipeline;

/**
 * A loaded pipeline: runs one input to one output at a time. Instances are confined to one worker thread.
 * Closing it frees the weights.
 */
public interface RestorationPipeline extends AutoCloseable {

    PipelineDescriptor descriptor();

    /**
     * Restores {@code input}. Step events and previews go to {@link RunContext#listener()}; the run stops with
     * {@link dev.restora.core.diffusion.CancelledException} when the token is cancelled, and returns the
     * latest predicted clean output when finish-early is requested. Every tensor made belongs to
     * {@link RunContext#scope()} or a sub-scope of it.
     */
    Media run(Media input, RunContext context);

    @Override
    default void close() {
    }
}
