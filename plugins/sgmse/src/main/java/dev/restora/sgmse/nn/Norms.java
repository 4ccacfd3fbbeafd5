package dev.restora.sgmse.nn;

import dev.restora.core.checkpoint.StateDict;
import dev.restora.core.nn.GroupNorm;

/** NCSN++'s group normalisation: {@code min(C / 4, 32)} groups, eps 1e-6, affine. */
final class Norms {
    private Norms() {
    }

    static GroupNorm groupNorm(StateDict sd, long channels) {
        int groups = (int) Math.min(channels / 4, 32);
        return new GroupNorm(groups, 1e-6, sd.get("weight", channels), sd.get("bias", channels));
    }
}
