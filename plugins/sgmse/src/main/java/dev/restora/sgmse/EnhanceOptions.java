package dev.restora.sgmse;

import java.util.Locale;

/**
 * Sampling settings of one enhancement.
 *
 * @param sampler        "pc" (predictor-corrector) or "ode" (probability flow; for a bridge checkpoint "ode"/"sde"
 *                       pick the bridge variant, "pc" means the checkpoint's own choice)
 * @param steps          N, the reverse steps (0: the checkpoint's / script's default)
 * @param correctorSteps annealed Langevin corrector steps per step
 * @param snr            the corrector's signal-to-noise ratio
 * @param previewAudio   whether previews carry the predicted clean audio as well
 * @param corrector      "ald" (annealed Langevin, the scripts' default), "langevin" or "none"
 * @param keySteps       null: the exact network; otherwise encoder propagation (approximate) with this key-step
 *                       schedule ({@link dev.restora.core.diffusion.KeySteps#schedule})
 */
public record EnhanceOptions(String sampler, int steps, int correctorSteps, double snr, boolean previewAudio,
                             String corrector, String keySteps) {
    public EnhanceOptions(String sampler, int steps, int correctorSteps, double snr, boolean previewAudio,
                          String corrector) {
        this(sampler, steps, correctorSteps, snr, previewAudio, corrector, null);
    }

    public EnhanceOptions {
        sampler = sampler.toLowerCase(Locale.ROOT);
        corrector = corrector.toLowerCase(Locale.ROOT);
        if (!java.util.List.of("ald", "langevin", "none").contains(corrector)) {
            throw new IllegalArgumentException("corrector must be ald, langevin or none, got " + corrector);
        }
        if (steps < 0 || correctorSteps < 0 || snr < 0) {
            throw new IllegalArgumentException("steps, corrector steps and snr must not be negative");
        }
    }

    /** With the annealed Langevin (ALD) corrector of the enhancement scripts. */
    public EnhanceOptions(String sampler, int steps, int correctorSteps, double snr, boolean previewAudio) {
        this(sampler, steps, correctorSteps, snr, previewAudio, "ald");
    }

    /** The enhancement scripts' defaults: PC, 1 ALD corrector step, snr 0.5, N from the model. */
    public static EnhanceOptions defaults() {
        return new EnhanceOptions("pc", 0, 1, 0.5, false);
    }
}
