package dev.restora.esrgan;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * The packages' {@code PixelShuffle{s}x} layer: {@code tf.depthToSpace(x, s, 'NHWC')}, DCR order (sub-pixel
 * convolution, Shi et al. 2016). In NHWC, {@code out[n, h*s + i, w*s + j, c] = in[n, h, w, (i*s + j)*C + c]};
 * here on N x (s*s*C) x H x W: split the channels into (i, j, c), move i next to H and j next to W.
 */
final class PixelShuffle {
    private PixelShuffle() {
    }

    static NDArray depthToSpace(NDArray x, int s) {
        Shape sh = x.getShape();
        long n = sh.get(0);
        long c = sh.get(1) / ((long) s * s);
        long h = sh.get(2);
        long w = sh.get(3);
        return x.reshape(n, s, s, c, h, w).transpose(0, 3, 4, 1, 5, 2).reshape(n, c, h * s, w * s);
    }
}
