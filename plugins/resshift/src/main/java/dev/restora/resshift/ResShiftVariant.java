package dev.restora.resshift;

import dev.restora.core.pipeline.ModelOption;
import dev.restora.resshift.diffusion.EtaSchedule;
import dev.restora.resshift.unet.UNetConfig;
import dev.restora.resshift.vq.VQConfig;
import java.util.List;

/**
 * One released ResShift configuration: the two networks, the weight files, the diffusion settings and the
 * pre-processing (spec §1.2, §5.1).
 *
 * @param unetEntry      catalog id of the denoiser weights
 * @param vqEntry        catalog id of the autoencoder weights
 * @param steps          T of the trained schedule
 * @param kappa          κ
 * @param minNoiseLevel  min_noise_level of the schedule
 * @param power          the exponential schedule's power p
 * @param etasEnd        sqrt(eta) at the last step
 * @param legacyStart    the master-branch schedule start (SinSR, legacy v1.0 models)
 * @param scale          sf: output / input size
 * @param paddingOffset  the LQ is reflect-padded to a multiple of this (the UNet's lq_size)
 * @param oneStep        SinSR's one-step inference at t = T-1 by default
 * @param defaultTile    the official chop size in LQ pixels (times 4/scale for same-size tasks)
 */
public record ResShiftVariant(String id, String displayName, String description, Task task, UNetConfig unet,
                              VQConfig vq, String unetEntry, String vqEntry, int steps, double kappa,
                              double minNoiseLevel, double power, double etasEnd, boolean legacyStart, int scale,
                              int paddingOffset, boolean oneStep, int defaultTile) {

    public EtaSchedule schedule() {
        return EtaSchedule.exponential(steps, power, minNoiseLevel, etasEnd, kappa, legacyStart);
    }

    /** The latent downsampling factor of the autoencoder. */
    public int latentFactor() {
        return vq.factor();
    }

    public ModelOption option() {
        return new ModelOption(id, displayName, List.of(unetEntry, vqEntry), scale, description);
    }

    /** The same variant with other networks and weights (parity tests run the pipeline on small checkpoints). */
    public ResShiftVariant withNetworks(String newId, UNetConfig newUnet, VQConfig newVq, String newUnetEntry,
                                        String newVqEntry, int newPaddingOffset) {
        return new ResShiftVariant(newId, displayName, description, task, newUnet, newVq, newUnetEntry, newVqEntry,
                steps, kappa, minNoiseLevel, power, etasEnd, legacyStart, scale, newPaddingOffset, oneStep, defaultTile);
    }

    /** The same variant with another schedule (parity manifests carry the diffusion settings). */
    public ResShiftVariant withSchedule(int newSteps, double newKappa, double newMinNoise, double newPower,
                                        double newEtasEnd, int newScale) {
        return new ResShiftVariant(id, displayName, description, task, unet, vq, unetEntry, vqEntry, newSteps, newKappa,
                newMinNoise, newPower, newEtasEnd, legacyStart, newScale, paddingOffset, oneStep, defaultTile);
    }
}
