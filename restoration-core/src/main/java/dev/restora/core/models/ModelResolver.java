package dev.restora.core.models;

import java.nio.file.Path;

/** Finds the local file of a catalog entry. */
@FunctionalInterface
public interface ModelResolver {

    /**
     * The verified local file of the entry; a {@link dev.restora.core.RestoraException} naming the file to
     * fetch and where to put it when it is not there.
     */
    Path require(String catalogEntryId);
}
