package dev.restora.sgmse;

import com.google.gson.JsonObject;
import dev.restora.core.parity.ParityCases;

/**
 * What a {@code building_block} case of the speech manifests holds, told by its arrays (never its name), and the
 * test that runs it. A case matching none is unsupported: every test that walks the building blocks fails on it.
 */
enum BlockKind {
    /** FIR up/down-sampling (NCSN++ pyramids): {@link BuildingBlockParityTest}. */
    FIR,
    /** OUVE SDE marginals and discretisation: {@link BuildingBlockParityTest}. */
    OUVE_SDE,
    /** Schrödinger-bridge SDE: {@link BuildingBlockParityTest}. */
    SBVE_SDE,
    /** STFT, compression transform and inverse: {@link SignalParityTest}. */
    STFT,
    /** Gaussian Fourier time embedding: {@link NetworkParityTest}. */
    FOURIER_EMBEDDING;

    static BlockKind of(JsonObject c) {
        JsonObject in = c.has("inputs") ? c.getAsJsonObject("inputs") : new JsonObject();
        JsonObject out = c.has("outputs") ? c.getAsJsonObject("outputs") : new JsonObject();
        if (in.has("x") && (out.has("upsample_2d") || out.has("downsample_2d"))) {
            return FIR;
        }
        if (in.has("t") && in.has("x0") && in.has("y") && out.has("sigma_bar_t") && out.has("mean")) {
            return SBVE_SDE;
        }
        if (in.has("t") && in.has("x0") && in.has("y") && out.has("mean") && out.has("std")) {
            return OUVE_SDE;
        }
        if (in.has("waveform") && out.has("stft")) {
            return STFT;
        }
        if (in.has("t") && out.has("emb")) {
            return FOURIER_EMBEDDING;
        }
        throw ParityCases.unsupported(c, "no speech building block has these arrays");
    }
}
