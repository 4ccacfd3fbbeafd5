package dev.restora.core.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * A discrete DDPM (Ho et al. 2020) for data whose elements are i.i.d. N(mu, s^2), where the exact x0-predictor
 * is known in closed form: with x_t = sqrt(abar_t) x0 + sqrt(1 - abar_t) eps,
 * E[x0 | x_t] = mu + g_t (x_t - sqrt(abar_t) mu), g_t = sqrt(abar_t) s^2 / (abar_t s^2 + 1 - abar_t).
 * Two real samplers run on it: the ancestral DDPM sampler (posterior mean plus posterior-variance noise, eq. 6-7 of
 * the DDPM paper) and deterministic DDIM (Song et al. 2021, eta = 0).
 */
final class GaussianDiffusion {
    final double mu;
    final double s;
    final double[] beta;
    final double[] abar;

    /** Linear beta schedule from beta1 to betaT over T steps. */
    GaussianDiffusion(double mu, double s, int steps, double beta1, double betaT) {
        this.mu = mu;
        this.s = s;
        beta = new double[steps + 1];
        abar = new double[steps + 1];
        abar[0] = 1;
        for (int t = 1; t <= steps; t++) {
            beta[t] = beta1 + (betaT - beta1) * (t - 1) / Math.max(1, steps - 1);
            abar[t] = abar[t - 1] * (1 - beta[t]);
        }
    }

    int steps() {
        return beta.length - 1;
    }

    double gain(int t) {
        return Math.sqrt(abar[t]) * s * s / (abar[t] * s * s + 1 - abar[t]);
    }

    /** The exact x0-predictor: the "network". */
    final class Denoiser {
        int calls;

        NDArray predictX0(NDArray xt, int t) {
            calls++;
            return xt.sub(Math.sqrt(abar[t]) * mu).mul(gain(t)).add(mu);
        }
    }

    /** Ancestral DDPM sampling from x_T ~ N(0, I). */
    final class Ancestral implements Sampler<Denoiser> {
        private final Shape shape;

        Ancestral(Shape shape) {
            this.shape = shape;
        }

        @Override
        public int steps() {
            return GaussianDiffusion.this.steps();
        }

        @Override
        public NDArray initialState(NDManager scope, NoiseSource noise) {
            return noise.normal(scope, shape);
        }

        @Override
        public Step step(Denoiser net, int index, NDArray state, NDManager stepScope, NoiseSource noise) {
            int t = steps() - index;
            NDArray x0 = net.predictX0(state, t);
            double c1 = Math.sqrt(abar[t - 1]) * beta[t] / (1 - abar[t]);
            double c2 = Math.sqrt(1 - beta[t]) * (1 - abar[t - 1]) / (1 - abar[t]);
            NDArray mean = x0.mul(c1).add(state.mul(c2));
            if (t == 1) {
                return new Step(mean, x0);
            }
            double var = beta[t] * (1 - abar[t - 1]) / (1 - abar[t]);
            return new Step(mean.add(noise.normal(stepScope, shape).mul(Math.sqrt(var))), x0);
        }
    }

    /** Deterministic DDIM (eta = 0) from a given x_T. */
    final class Ddim implements Sampler<Denoiser> {
        private final float[] xT;
        private final Shape shape;

        Ddim(float[] xT, Shape shape) {
            this.xT = xT;
            this.shape = shape;
        }

        @Override
        public int steps() {
            return GaussianDiffusion.this.steps();
        }

        @Override
        public NDArray initialState(NDManager scope, NoiseSource noise) {
            return scope.create(xT, shape);
        }

        @Override
        public Step step(Denoiser net, int index, NDArray state, NDManager stepScope, NoiseSource noise) {
            int t = steps() - index;
            NDArray x0 = net.predictX0(state, t);
            NDArray eps = state.sub(x0.mul(Math.sqrt(abar[t]))).div(Math.sqrt(1 - abar[t]));
            NDArray next = x0.mul(Math.sqrt(abar[t - 1])).add(eps.mul(Math.sqrt(1 - abar[t - 1])));
            return new Step(next, x0);
        }
    }

    /**
     * The closed form of the DDIM path: with u_t = x_t - sqrt(abar_t) mu, each step multiplies u by
     * (sqrt(abar_{t-1} abar_t) s^2 + sqrt((1 - abar_{t-1})(1 - abar_t))) / V_t, V_t = abar_t s^2 + 1 - abar_t.
     */
    double ddimResult(double xT) {
        double u = xT - Math.sqrt(abar[steps()]) * mu;
        for (int t = steps(); t >= 1; t--) {
            double v = abar[t] * s * s + 1 - abar[t];
            u *= (Math.sqrt(abar[t - 1] * abar[t]) * s * s + Math.sqrt((1 - abar[t - 1]) * (1 - abar[t]))) / v;
        }
        return mu + u;
    }

    /**
     * Mean and variance of the ancestral sampler's output: u_{t-1} = k_t u_t + sqrt(var_t) z with
     * k_t = c1_t g_t + c2_t, starting from u_T = x_T - sqrt(abar_T) mu, x_T ~ N(0, 1).
     */
    double[] ancestralMoments() {
        double m = -Math.sqrt(abar[steps()]) * mu;
        double v = 1;
        for (int t = steps(); t >= 1; t--) {
            double c1 = Math.sqrt(abar[t - 1]) * beta[t] / (1 - abar[t]);
            double c2 = Math.sqrt(1 - beta[t]) * (1 - abar[t - 1]) / (1 - abar[t]);
            double k = c1 * gain(t) + c2;
            double var = t == 1 ? 0 : beta[t] * (1 - abar[t - 1]) / (1 - abar[t]);
            m *= k;
            v = k * k * v + var;
        }
        return new double[] {mu + m, v};
    }
}
