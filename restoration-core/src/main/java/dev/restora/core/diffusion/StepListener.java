package dev.restora.core.diffusion;

/** Receives {@link StepEvent}s on the worker thread; must return quickly (hand off, never block). */
@FunctionalInterface
public interface StepListener {
    StepListener NONE = e -> { };

    void onStep(StepEvent event);
}
