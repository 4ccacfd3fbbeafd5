package dev.restora.core.batch;

import java.nio.file.Path;

/**
 * One input of a batch and where its output goes.
 *
 * @param index    position in the batch (0-based, stable for a given plan and input tree)
 * @param input    the input file (absolute)
 * @param relative the input's path relative to the folder it was found in (its file name for a file input)
 * @param output   the planned output file (absolute); the overwrite policy may pick another name when it exists
 */
public record BatchItem(int index, Path input, Path relative, Path output) {
}
