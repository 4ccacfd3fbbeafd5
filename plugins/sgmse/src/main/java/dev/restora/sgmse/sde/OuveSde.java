package dev.restora.sgmse.sde;

import ai.djl.ndarray.NDArray;

/**
 * The Ornstein–Uhlenbeck SDE with variance exploding diffusion of SGMSE+ / StoRM (spec §2.1):
 * {@code dx = theta (y - x) dt + sigma_min (sigma_max/sigma_min)^t sqrt(2 ln(sigma_max/sigma_min)) dw}.
 * Scalars are computed in double precision; arrays are the real/imag state layout and every formula is
 * real-linear in them.
 */
public final class OuveSde {
    private final double theta;
    private final double sigmaMin;
    private final double sigmaMax;
    private final double lambda;

    public OuveSde(double theta, double sigmaMin, double sigmaMax) {
        if (!(theta > 0) || !(sigmaMin > 0) || !(sigmaMax > sigmaMin)) {
            throw new IllegalArgumentException("OUVE needs theta > 0 and 0 < sigma_min < sigma_max, got theta "
                    + theta + ", sigma " + sigmaMin + ".." + sigmaMax);
        }
        this.theta = theta;
        this.sigmaMin = sigmaMin;
        this.sigmaMax = sigmaMax;
        this.lambda = Math.log(sigmaMax / sigmaMin);
    }

    public double theta() {
        return theta;
    }

    public double sigmaMin() {
        return sigmaMin;
    }

    public double sigmaMax() {
        return sigmaMax;
    }

    /** g(t). */
    public double diffusion(double t) {
        return sigmaMin * Math.pow(sigmaMax / sigmaMin, t) * Math.sqrt(2 * lambda);
    }

    /**
     * g(t) rounded as the reference computes it on a float32 time tensor: {@code sigma_min * (sigma_max/sigma_min)**t
     * * np.sqrt(2 * logsig)}, each product in float32 with the Python scalars cast to float32 (spec §2.1). The ODE
     * sampler uses it so its drift differs from the reference's only by the network's rounding.
     */
    public float diffusionFloat32(float t) {
        float power = (float) Math.pow((float) (sigmaMax / sigmaMin), t);
        return (float) sigmaMin * power * (float) Math.sqrt(2 * lambda);
    }

    /** The marginal standard deviation sigma(t). */
    public double std(double t) {
        return Math.sqrt(sigmaMin * sigmaMin * Math.exp(-2 * theta * t)
                * (Math.exp(2 * (theta + lambda) * t) - 1) * lambda / (theta + lambda));
    }

    /** {@code e^{-theta t}}, the weight of x0 in the marginal mean. */
    public double meanDecay(double t) {
        return Math.exp(-theta * t);
    }

    /**
     * The Tweedie estimate of the clean state from a score at time t: {@code x̂0 = (x + sigma(t)² s - (1 - e^{-theta
     * t}) y) / e^{-theta t}}, written {@code (x - y + sigma² s) / e^{-theta t} + y} (x first, so the result lives in
     * x's manager). Used for previews only.
     */
    public NDArray tweedie(NDArray x, NDArray score, NDArray y, double t) {
        double std = std(t);
        return x.sub(y).add(score.mul((float) (std * std))).div((float) meanDecay(t)).add(y);
    }

    /** The forward drift {@code theta (y - x)}, computed as {@code (x - y)(-theta)} so that it lives in x's scope. */
    public NDArray drift(NDArray x, NDArray y) {
        return x.sub(y).mul((float) -theta);
    }
}
