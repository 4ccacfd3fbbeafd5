package dev.restora.core.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.restora.core.pipeline.RunContext;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The one reverse-diffusion loop every pipeline uses: per step a sub-{@link NDManager}, the sampler step, the
 * cancellation check, the throttled preview and the step event. A run of several stages (tiles, chunks) uses one
 * loop per stage: the events' {@link StepEvent#elapsed()} counts from {@link RunContext#startNanos()}, the start of
 * the whole run, not from the loop's creation, so give every stage a context derived from the run's.
 */
public final class DiffusionLoop {
    private final RunContext context;
    private final PreviewRenderer fullPreview;
    private final PreviewRenderer quickPreview;
    private final LongSupplier clock;

    /**
     * @param fullPreview  renders the predicted clean state when the preview policy fires (may be null)
     * @param quickPreview renders a cheap preview at every step when previews are on (may be null)
     */
    public DiffusionLoop(RunContext context, PreviewRenderer fullPreview, PreviewRenderer quickPreview) {
        this(context, fullPreview, quickPreview, System::nanoTime);
    }

    /** As above, timing steps and previews (the preview budget and interval) on {@code nanoClock} (tests). */
    DiffusionLoop(RunContext context, PreviewRenderer fullPreview, PreviewRenderer quickPreview, LongSupplier nanoClock) {
        this.context = context;
        this.fullPreview = fullPreview;
        this.quickPreview = quickPreview;
        this.clock = nanoClock;
    }

    /**
     * What a run produced.
     *
     * @param output        owned by the {@code owner} manager passed to {@link #run}
     * @param stepsDone     steps completed
     * @param finishedEarly whether finish-early cut the run short (then {@code output} is the last x̂0)
     */
    public record Result(NDArray output, int stepsDone, boolean finishedEarly) {
    }

    /**
     * Runs {@code sampler} to the end, or to finish-early, and returns its output owned by {@code owner}.
     *
     * @throws CancelledException when the token is cancelled (checked before every step)
     */
    public <D> Result run(Sampler<D> sampler, D network, NDManager owner, Stage stage) {
        CancellationToken token = context.token();
        PreviewPolicy.Gate gate = context.previews().gate();
        PreviewBudget budget = new PreviewBudget(context.previews().maxOverhead(),
                fullPreview == null ? 0 : fullPreview.estimatedCostInSteps());
        int steps = sampler.steps();
        try (NDManager loopScope = owner.newSubManager()) {
            NDArray state = sampler.initialState(loopScope, context.noise());
            state.attach(loopScope);
            NDArray lastClean = null;
            Sampler.Step last = null;
            int done = 0;
            for (int i = 0; i < steps; i++) {
                token.throwIfCancelled();
                if (token.isFinishEarlyRequested() && lastClean != null) {
                    lastClean.attach(owner);
                    return new Result(lastClean, done, true);
                }
                try (NDManager stepScope = loopScope.newSubManager()) {
                    state.attach(stepScope);
                    long t0 = clock.getAsLong();
                    Sampler.Step s = sampler.step(network, i, state, stepScope, context.noise());
                    budget.addStep(clock.getAsLong() - t0);
                    PreviewFrame full = null;
                    PreviewFrame quick = null;
                    if (context.previews().enabled() && s.predictedClean() != null) {
                        if (quickPreview != null) {
                            quick = quickPreview.render(s.predictedClean(), i);
                        }
                        if (fullPreview != null && gate.shouldRender(i, steps, clock.getAsLong())
                                && (i == steps - 1 || budget.allows())) {
                            long p0 = clock.getAsLong();
                            full = fullPreview.render(s.predictedClean(), i);
                            budget.addPreview(clock.getAsLong() - p0);
                        }
                    }
                    s.next().attach(loopScope);
                    if (s.predictedClean() != null) {
                        if (lastClean != null && lastClean != s.predictedClean() && lastClean != s.next()) {
                            lastClean.close();
                        }
                        s.predictedClean().attach(loopScope);
                        lastClean = s.predictedClean();
                    }
                    state = s.next();
                    last = s;
                    done = i + 1;
                    context.listener().onStep(new StepEvent(i, steps, stage.index(), stage.count(), stage.label(),
                            Duration.ofNanos(System.nanoTime() - context.startNanos()), full, quick));
                }
            }
            if (last == null) {
                state.attach(owner);
                return new Result(state, 0, false);
            }
            NDArray out = sampler.finalOutput(last);
            out.attach(owner);
            return new Result(out, done, false);
        }
    }
}
