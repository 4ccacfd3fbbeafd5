package dev.restora.core.batch;

import java.util.Locale;

/** What a batch does when an item's output file already exists and was not written by this batch. */
public enum OverwritePolicy {
    /** Leave the existing file and skip the item. */
    SKIP,
    /** Replace the existing file (atomically, once the new output is complete). */
    OVERWRITE,
    /** Keep the existing file and write {@code name_2.ext} (or the next free number). */
    RENAME;

    public static OverwritePolicy parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("overwrite policy must be skip, overwrite or rename, got '" + text + "'");
        }
    }
}
