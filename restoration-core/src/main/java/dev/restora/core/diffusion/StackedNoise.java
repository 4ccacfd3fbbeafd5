package dev.restora.core.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * Noise for a batch whose elements would each run with their own source (tiles or chunks run together along the
 * batch axis): a draw of shape B x ... takes element i from source i with shape 1 x ..., so every element sees
 * exactly the noise it would see running alone.
 */
public final class StackedNoise implements NoiseSource {
    private final List<NoiseSource> sources;

    public StackedNoise(List<? extends NoiseSource> sources) {
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("no noise source");
        }
        this.sources = List.copyOf(sources);
    }

    /** The sources themselves when there is one, else a stack of them. */
    public static NoiseSource of(List<? extends NoiseSource> sources) {
        return sources.size() == 1 ? sources.get(0) : new StackedNoise(sources);
    }

    @Override
    public NDArray normal(NDManager manager, Shape shape) {
        if (shape.get(0) != sources.size()) {
            throw new IllegalArgumentException("a draw of " + shape + " for a batch of " + sources.size());
        }
        long[] one = shape.getShape().clone();
        one[0] = 1;
        try (NDManager parts = manager.newSubManager()) {
            NDList draws = new NDList(sources.size());
            for (NoiseSource s : sources) {
                draws.add(s.normal(parts, new Shape(one)));
            }
            NDArray stacked = NDArrays.concat(draws, 0);
            stacked.attach(manager);
            return stacked;
        }
    }
}
