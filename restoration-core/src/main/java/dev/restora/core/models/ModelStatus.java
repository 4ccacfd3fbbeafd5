package dev.restora.core.models;

/** Where a catalog entry stands in the store (cheap to compute: no hashing). */
public enum ModelStatus {
    /** No file and no partial download. */
    MISSING,
    /** An interrupted download that the next download resumes. */
    PARTIAL,
    /** The file is there but was not verified since it last changed. */
    PRESENT,
    /** The file is there and matched its hash, size and structure when it was last checked. */
    VERIFIED
}
