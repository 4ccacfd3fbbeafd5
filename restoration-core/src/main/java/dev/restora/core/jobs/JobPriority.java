package dev.restora.core.jobs;

/** Queue priority: every interactive job (the studio's current image) runs before any batch job. */
public enum JobPriority {
    /** Something the user is waiting for right now. */
    INTERACTIVE,
    /** Items of a batch (a folder, a command-line run). */
    BATCH
}
