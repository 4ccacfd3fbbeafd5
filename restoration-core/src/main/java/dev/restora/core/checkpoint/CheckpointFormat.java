package dev.restora.core.checkpoint;

/** Container formats {@link Checkpoint} reads. */
public enum CheckpointFormat {
    /** {@code torch.save} zip archive (torch >= 1.6): .pth, .pt, Lightning .ckpt */
    TORCH_ZIP,
    /** Hugging Face safetensors */
    SAFETENSORS
}
