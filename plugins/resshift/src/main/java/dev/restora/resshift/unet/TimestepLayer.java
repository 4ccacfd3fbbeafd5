package dev.restora.resshift.unet;

import ai.djl.ndarray.NDArray;

/** One layer of a UNet block; layers that do not use the timestep embedding ignore {@code emb}. */
@FunctionalInterface
interface TimestepLayer {
    NDArray forward(NDArray x, NDArray emb);
}
