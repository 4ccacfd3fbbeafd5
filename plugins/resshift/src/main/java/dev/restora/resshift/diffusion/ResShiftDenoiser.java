package dev.restora.resshift.diffusion;

import ai.djl.ndarray.NDArray;

/** The x0-predicting network as the sampler calls it: {@code model(x_t / sqrt(kappa^2 eta_t + 1), t, lq, mask)}. */
@FunctionalInterface
public interface ResShiftDenoiser {

    /**
     * @param scaledInput x_t divided by the input scale (B x C x h x w)
     * @param t           int64 step indices (length B), the integer index 0 ... T-1
     * @param condition   the LQ conditioning channels (the padded LQ in [-1, 1], with the mask for inpainting,
     *                    through the feature extractor where there is one), computed once per image or tile by
     *                    {@link dev.restora.resshift.unet.UNetModelSwin#condition}; or null
     * @return the predicted x0
     */
    NDArray predict(NDArray scaledInput, NDArray t, NDArray condition);
}
