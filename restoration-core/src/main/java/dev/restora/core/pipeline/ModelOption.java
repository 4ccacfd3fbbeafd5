package dev.restora.core.pipeline;

import java.util.List;

/**
 * One selectable model of a pipeline (for example "ResShift v3, real-world SR x4").
 *
 * @param id              stable id used on the command line and in batch plans
 * @param displayName     what the studio shows
 * @param catalogEntryIds the model-store entries (weight files) this model needs; empty for weight-free models
 * @param scale           the output/input size ratio (1 for same-size restoration)
 * @param description     one or two sentences for the user
 */
public record ModelOption(String id, String displayName, List<String> catalogEntryIds, int scale, String description) {
    public ModelOption {
        catalogEntryIds = List.copyOf(catalogEntryIds);
        if (scale < 1) {
            throw new IllegalArgumentException("scale must be at least 1: " + scale);
        }
    }
}
