/**
 * Reading model checkpoints without Python and without running code from them.
 *
 * <p>{@link dev.restora.core.checkpoint.Checkpoint#read} takes a {@code torch.save} zip archive ({@code .pth},
 * {@code .pt}, Lightning {@code .ckpt}; torch 1.6 to 2.x) or a safetensors file and gives the model state dict
 * ({@code tensors()}, {@code stateDict()}), Lightning EMA weights ({@code emaShadowParams()},
 * {@code emaStateDict()}) and {@code hyperParameters()}; {@link dev.restora.core.checkpoint.Checkpoint#inspect}
 * describes a file without creating arrays. Typical use in a port:
 * <pre>{@code
 * Checkpoint ckpt = Checkpoint.read(file, weightsManager);
 * StateDict sd = ckpt.emaStateDict().orElseGet(ckpt::stateDict);   // Lightning: averaged weights
 * Conv2d conv = Conv2d.load(sd.sub("input_blocks.0.0"), 1, 1);
 * sd.requireAllUsed();
 * }</pre>
 *
 * <p>Safety: the pickle is run by a restricted machine ({@code RestrictedUnpickler}, like
 * {@code torch.load(weights_only=True)}): only tensor rebuilds, storages and plain containers are built; other
 * classes become inert {@link dev.restora.core.checkpoint.PythonObjectPlaceholder}s, and any call that would run
 * code is refused with a {@link dev.restora.core.checkpoint.CheckpointException}. Archive names, sizes and storage
 * claims are checked before allocation; storages stream through a 1 MB buffer into direct memory that the
 * NDArrays use without a copy (tensors viewing one storage share it: treat weights as read-only). Direct memory
 * counts against {@code -XX:MaxDirectMemorySize} (default: the maximum heap size).
 */
package dev.restora.core.checkpoint;
