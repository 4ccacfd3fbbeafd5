package dev.restora.resshift.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.restora.core.diffusion.NoiseSource;

/**
 * SinSR's one-step inference (spec §5.2): x_T = z_y + kappa sqrt(eta_{T-1}) eps, x0 = model(x_T / sqrt(kappa^2
 * eta_{T-1} + 1), T-1, lq); the output is x0. The reference's p_sample still draws one more eps before it stops,
 * so this draws it too (the noise order stays that of the reference).
 */
public final class OneStepSampler extends ResShiftSampler {

    public OneStepSampler(EtaSchedule schedule, NDArray zY, NDArray condition) {
        super(schedule, zY, condition);
    }

    @Override
    public int steps() {
        return 1;
    }

    @Override
    public int timestep(int index) {
        return schedule.steps() - 1;
    }

    @Override
    public Step step(ResShiftDenoiser network, int index, NDArray state, NDManager stepScope, NoiseSource noise) {
        int t = timestep(index);
        NDArray x0 = network.predict(scaleInput(state, schedule, t), timesteps(stepScope, state.getShape().get(0), t),
                condition);
        noise.normal(stepScope, state.getShape());
        return new Step(x0, x0);
    }
}
