package dev.restora.sgmse.nn;

import ai.djl.ndarray.NDArray;
import dev.restora.core.checkpoint.StateDict;
import dev.restora.core.nn.Conv2dLayer;

/**
 * NCSN++'s network-in-network layer, a per-pixel linear map with input-major weights {@code W [in, out]} and
 * bias {@code b [out]} (spec §5.2); run as the equivalent 1x1 convolution.
 */
public final class Nin {
    private final Conv2dLayer conv;

    private Nin(Conv2dLayer conv) {
        this.conv = conv;
    }

    public static Nin load(StateDict sd, long in, long out) {
        NDArray w = sd.get("W", in, out);
        NDArray b = sd.get("b", out);
        NDArray kernel = w.transpose().reshape(out, in, 1, 1);
        return new Nin(new Conv2dLayer(kernel, b, 1, 0, 1, 1, dev.restora.core.nn.PaddingMode.ZEROS));
    }

    public NDArray forward(NDArray x) {
        return conv.forward(x);
    }
}
