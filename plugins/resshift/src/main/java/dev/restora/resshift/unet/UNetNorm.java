package dev.restora.resshift.unet;

import dev.restora.core.checkpoint.StateDict;
import dev.restora.core.nn.GroupNorm;

/** GroupNorm32 of the UNet (spec §3.4): 32 groups, eps 1e-5, affine, computed in float32. */
final class UNetNorm {
    static final int GROUPS = 32;
    static final double EPS = 1e-5;

    private UNetNorm() {
    }

    static GroupNorm load(StateDict sd, long channels) {
        return new GroupNorm(GROUPS, EPS, sd.get("weight", channels), sd.get("bias", channels));
    }
}
