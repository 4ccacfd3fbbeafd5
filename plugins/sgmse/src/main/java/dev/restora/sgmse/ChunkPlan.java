package dev.restora.sgmse;

import java.util.ArrayList;
import java.util.List;

/**
 * How a long recording is cut for enhancement: chunks of {@code length} samples overlapping by {@code overlap},
 * joined with an equal-gain raised-cosine crossfade over each overlap ({@code sin²} in, {@code cos²} out, summing to
 * one). A remainder shorter than the overlap joins the previous chunk, so no chunk is tiny.
 */
public final class ChunkPlan {
    /** One chunk: samples {@code [start, end)}. */
    public record Chunk(int start, int end) {
        public int length() {
            return end - start;
        }
    }

    private final List<Chunk> chunks;
    private final int overlap;
    private final int total;

    private ChunkPlan(List<Chunk> chunks, int overlap, int total) {
        this.chunks = List.copyOf(chunks);
        this.overlap = overlap;
        this.total = total;
    }

    /** A plan for {@code total} samples; {@code length <= 0} or {@code length >= total} gives one chunk. */
    public static ChunkPlan of(int total, int length, int overlap) {
        List<Chunk> out = new ArrayList<>();
        if (length <= 0 || length >= total) {
            out.add(new Chunk(0, total));
            return new ChunkPlan(out, 0, total);
        }
        if (overlap < 0 || overlap >= length) {
            throw new IllegalArgumentException("overlap must be in 0.." + (length - 1) + ", got " + overlap);
        }
        int hop = length - overlap;
        int start = 0;
        while (true) {
            int end = start + length;
            if (end >= total || total - (end - overlap) - overlap <= overlap) {
                // the rest fits, or what would remain after the next overlap is too short: end here
                out.add(new Chunk(start, total));
                break;
            }
            out.add(new Chunk(start, end));
            start += hop;
        }
        return new ChunkPlan(out, overlap, total);
    }

    public List<Chunk> chunks() {
        return chunks;
    }

    public int overlap() {
        return overlap;
    }

    /** Joins the enhanced chunks (in plan order) into one signal with crossfades over the overlaps. */
    public float[] join(List<float[]> parts) {
        if (parts.size() != chunks.size()) {
            throw new IllegalArgumentException(parts.size() + " parts for " + chunks.size() + " chunks");
        }
        float[] out = new float[total];
        for (int c = 0; c < chunks.size(); c++) {
            Chunk ch = chunks.get(c);
            float[] p = parts.get(c);
            if (p.length != ch.length()) {
                throw new IllegalArgumentException("chunk " + c + " has " + p.length + " samples, expected " + ch.length());
            }
            for (int i = 0; i < p.length; i++) {
                double w = 1;
                if (c > 0 && i < overlap) {
                    w = fadeIn(i);
                }
                if (c < chunks.size() - 1 && i >= p.length - overlap) {
                    w *= 1 - fadeIn(i - (p.length - overlap));
                }
                out[ch.start() + i] += (float) (w * p[i]);
            }
        }
        return out;
    }

    /** Raised-cosine fade-in weight of sample i of the overlap: {@code sin²(pi/2 (i + 0.5) / overlap)}. */
    private double fadeIn(int i) {
        double s = Math.sin(Math.PI / 2 * (i + 0.5) / overlap);
        return s * s;
    }
}
