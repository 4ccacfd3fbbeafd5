package dev.restora.core.batch;

/** The final state of one batch item in the report. */
public enum ItemState {
    /** Output written (in this run or, see {@link ItemResult#earlierRun()}, in an interrupted earlier one). */
    DONE,
    /** Output existed and the policy said skip. */
    SKIPPED,
    /** The item failed; {@link ItemResult#error()} says why. The batch went on unless told to stop. */
    FAILED,
    /** The batch was cancelled before or while this item ran. */
    CANCELLED,
    /** Not run because the batch stopped at an earlier error. */
    NOT_RUN
}
