package dev.restora.resshift.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.restora.core.diffusion.NoiseSource;
import dev.restora.core.diffusion.Sampler;

/**
 * The official ResShift {@code p_sample_loop} (spec §1.5) in latent space, for one image or tile:
 * x_T = z_y + kappa sqrt(eta_{T-1}) eps; then for t = T-1 ... 0: x0 = model(x_t / sqrt(kappa^2 eta_t + 1), t, lq),
 * mean = coef1 x_t + coef2 x0, a fresh eps drawn (also at t = 0, which keeps the noise order of the reference),
 * x_{t-1} = mean + [t > 0] sigma_t eps. Coefficients are cast to float32 as the reference's
 * {@code _extract_into_tensor} does, and the arithmetic follows its order.
 */
public class ResShiftSampler implements Sampler<ResShiftDenoiser> {
    protected final EtaSchedule schedule;
    protected final NDArray zY;
    protected final NDArray condition;

    /**
     * @param zY        the encoded (upsampled) LQ latent
     * @param condition the network's LQ conditioning, computed once for the image or tile
     *                  ({@link dev.restora.resshift.unet.UNetModelSwin#condition}), or null
     */
    public ResShiftSampler(EtaSchedule schedule, NDArray zY, NDArray condition) {
        this.schedule = schedule;
        this.zY = zY;
        this.condition = condition;
    }

    @Override
    public int steps() {
        return schedule.steps();
    }

    /** The diffusion step index t of loop step {@code index}. */
    public int timestep(int index) {
        return schedule.steps() - 1 - index;
    }

    @Override
    public NDArray initialState(NDManager scope, NoiseSource noise) {
        NDArray eps = noise.normal(scope, zY.getShape());
        return prior(zY, eps, schedule);
    }

    /** prior_sample: y + float32(kappa sqrt(eta_{T-1})) * eps. */
    public static NDArray prior(NDArray zY, NDArray eps, EtaSchedule schedule) {
        return zY.add(eps.mul((float) schedule.priorStd()));
    }

    /** _scale_input: x / sqrt(float32(eta_t) * kappa^2 + 1), evaluated in float32. */
    public static NDArray scaleInput(NDArray x, EtaSchedule schedule, int t) {
        float eta = (float) schedule.eta(t);
        float k2 = (float) (schedule.kappa() * schedule.kappa());
        float std = (float) Math.sqrt(eta * k2 + 1f);
        return x.div(std);
    }

    /** The int64 step-index tensor of length B. */
    public static NDArray timesteps(NDManager scope, long batch, int t) {
        long[] ts = new long[(int) batch];
        java.util.Arrays.fill(ts, t);
        return scope.create(ts, new Shape(batch));
    }

    /** coef1 x_t + coef2 x0 in float32. */
    public static NDArray posteriorMean(NDArray xt, NDArray x0, EtaSchedule schedule, int t) {
        return xt.mul((float) schedule.coef1(t)).add(x0.mul((float) schedule.coef2(t)));
    }

    /** exp(0.5 float32(log var clipped)) as the reference evaluates the noise scale. */
    public static float noiseStd(EtaSchedule schedule, int t) {
        float lv = (float) schedule.posteriorLogVarianceClipped(t);
        return (float) Math.exp(0.5f * lv);
    }

    @Override
    public Step step(ResShiftDenoiser network, int index, NDArray state, NDManager stepScope, NoiseSource noise) {
        int t = timestep(index);
        NDArray x0 = network.predict(scaleInput(state, schedule, t), timesteps(stepScope, state.getShape().get(0), t),
                condition);
        NDArray mean = posteriorMean(state, x0, schedule, t);
        NDArray eps = noise.normal(stepScope, state.getShape());
        NDArray next = t > 0 ? mean.add(eps.mul(noiseStd(schedule, t))) : mean;
        return new Step(next, x0);
    }
}
