package dev.restora.core.engine;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * The process environment as native code sees it (libc's {@code getenv}/{@code setenv}; Linux and macOS). Java's
 * {@code System.getenv} is a copy made at start-up and cannot be changed; libtorch reads some settings only through
 * getenv when it loads, e.g. {@code PYTORCH_ENABLE_MPS_FALLBACK}, which the packaged macOS app (a jpackage launcher,
 * not the {@code restora} script) cannot set any other way.
 */
public final class ProcessEnvironment {
    /** Operators PyTorch's MPS backend lacks run on the CPU instead of failing (read by libtorch as it loads). */
    public static final String MPS_FALLBACK = "PYTORCH_ENABLE_MPS_FALLBACK";

    interface LibC extends Library {
        String getenv(String name);

        int setenv(String name, String value, int overwrite);
    }

    private static LibC libc;

    private ProcessEnvironment() {
    }

    private static synchronized LibC libc() {
        if (libc == null) {
            libc = Native.load(Platform.C_LIBRARY_NAME, LibC.class);
        }
        return libc;
    }

    /** The variable as native code reads it, or null. */
    public static String get(String name) {
        return libc().getenv(name);
    }

    /**
     * Sets {@code name=value} in the native environment unless it is already set (a user's value is kept).
     *
     * @return whether it was set now
     */
    public static boolean setIfAbsent(String name, String value) {
        if (get(name) != null) {
            return false;
        }
        if (libc().setenv(name, value, 0) != 0) {
            throw new IllegalStateException("setenv " + name + " failed");
        }
        return true;
    }

    /**
     * On Apple silicon, {@code PYTORCH_ENABLE_MPS_FALLBACK=1} before the engine loads (the {@code restora} launcher
     * also sets it; a value already there is kept). Elsewhere nothing.
     *
     * @return whether it was set now
     */
    static boolean enableMpsFallback(boolean mpsPossible) {
        return mpsPossible && setIfAbsent(MPS_FALLBACK, "1");
    }
}
