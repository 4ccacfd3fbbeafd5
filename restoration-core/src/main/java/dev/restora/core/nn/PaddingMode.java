package dev.restora.core.nn;

/** torch.nn.Conv2d's padding_mode values, plus torch.nn.functional.pad's "replicate". */
public enum PaddingMode {
    ZEROS,
    REFLECT,
    REPLICATE,
    CIRCULAR
}
