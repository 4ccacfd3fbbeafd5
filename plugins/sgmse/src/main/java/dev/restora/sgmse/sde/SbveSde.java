package dev.restora.sgmse.sde;

/**
 * The Schrödinger-bridge SDE with variance-exploding base, {@code sbve} (spec §2.2): {@code f = 0},
 * {@code g(t) = sqrt(c) k^t}; with all alpha terms 1, {@code sigma_t = sqrt(c (k^{2t} - 1) / (2 ln k))},
 * {@code sigma_bar_t = sqrt(sigma_T² - sigma_t² + eps)}.
 */
public final class SbveSde {
    private final double k;
    private final double c;
    private final double eps;
    private final double sigmaT;

    public SbveSde(double k, double c, double eps) {
        if (!(k > 1) || !(c > 0) || !(eps >= 0)) {
            throw new IllegalArgumentException("SBVE needs k > 1, c > 0, eps >= 0, got k " + k + ", c " + c + ", eps " + eps);
        }
        this.k = k;
        this.c = c;
        this.eps = eps;
        this.sigmaT = sigma(1);
    }

    public double k() {
        return k;
    }

    public double c() {
        return c;
    }

    public double eps() {
        return eps;
    }

    public double sigma(double t) {
        return Math.sqrt(c * (Math.pow(k, 2 * t) - 1) / (2 * Math.log(k)));
    }

    public double sigmaT() {
        return sigmaT;
    }

    public double sigmaBar(double t) {
        double s = sigma(t);
        return Math.sqrt(sigmaT * sigmaT - s * s + eps);
    }

    /** {@code alpha_t / (alpha_T + eps)} with all alphas 1. */
    public double alphaBar() {
        return 1 / (1 + eps);
    }

    public double diffusion(double t) {
        return Math.sqrt(c) * Math.pow(k, t);
    }

    /** Marginal std {@code sigma_bar_t sigma_t / (sigma_T + eps)}. */
    public double std(double t) {
        return sigmaBar(t) * sigma(t) / (sigmaT + eps);
    }
}
