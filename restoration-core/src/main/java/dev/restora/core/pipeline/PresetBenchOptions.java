package dev.restora.core.pipeline;

import java.nio.file.Path;

/**
 * Options of {@code restora bench PIPELINE --presets} ({@link PipelineBenchmark#presets}).
 *
 * @param checkpoint a checkpoint file to measure instead of random weights at the released size (null: random)
 * @param input      the recording to enhance (null: a synthetic one)
 * @param clean      its clean counterpart for the SI-SDR against clean speech (null: none)
 * @param seconds    the length of audio used (0: the benchmark's default; an input is cut to it)
 * @param rounds     timed runs per preset, alternating the presets in one process (median reported)
 * @param only       comma-separated preset names to measure besides the default (null: the benchmark's list)
 */
public record PresetBenchOptions(Path checkpoint, Path input, Path clean, double seconds, int rounds, String only) {
    public PresetBenchOptions {
        if (rounds < 1) {
            throw new IllegalArgumentException("rounds must be at least 1, got " + rounds);
        }
        if (seconds < 0) {
            throw new IllegalArgumentException("seconds must not be negative, got " + seconds);
        }
    }
}
