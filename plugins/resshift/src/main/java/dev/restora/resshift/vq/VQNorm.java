package dev.restora.resshift.vq;

import dev.restora.core.checkpoint.StateDict;
import dev.restora.core.nn.GroupNorm;

/** The autoencoder's Normalize: GroupNorm(32, eps 1e-6, affine) (spec §2.2). */
final class VQNorm {
    private VQNorm() {
    }

    static GroupNorm load(StateDict sd, long channels) {
        return new GroupNorm(32, 1e-6, sd.get("weight", channels), sd.get("bias", channels));
    }
}
