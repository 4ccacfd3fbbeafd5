package dev.restora.app.cli;

/** The command line's exit codes (also listed in {@code --help} and the README). */
public final class ExitCodes {
    /** Everything done. */
    public static final int OK = 0;
    /** At least one file failed (the others were done); or the file given to inspect was refused. */
    public static final int FAILED = 1;
    /** Wrong command line: unknown option, pipeline, model or parameter, value out of range. */
    public static final int USAGE = 2;
    /** A model's weight file is missing: the message names the file and where to put it. */
    public static final int MODEL_MISSING = 3;
    /** Cancelled (Ctrl-C) or interrupted; no partial output was left. */
    public static final int CANCELLED = 4;
    /** An unexpected internal error (a bug): run again with --verbose and report the stack trace. */
    public static final int INTERNAL = 5;

    /** The text of {@code --help}'s exit code section. */
    public static final String[] HELP = {
        "0:Success.",
        "1:Some files failed (the rest were done), or a refused file.",
        "2:Usage error (bad option, unknown pipeline, model or parameter).",
        "3:A model's weight file is missing (the message says which and where).",
        "4:Cancelled (Ctrl-C) or interrupted; no partial output is left.",
        "5:Internal error (run with --verbose and report it).",
    };

    private ExitCodes() {
    }
}
