package dev.restora.core.runtime;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.restora.core.engine.AppDirs;
import dev.restora.core.engine.EngineSetup;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Tries a runtime in a child JVM before it is selected, because a libtorch that fails to load can take the process
 * with it: the child loads the engine from the runtime's folder, computes a matrix product on the CPU (and on GPU 0
 * when the engine sees one) and prints what it loaded. Only a runtime whose probe succeeds is selected.
 */
public final class RuntimeProbe {
    private RuntimeProbe() {
    }

    /**
     * What the probe found.
     *
     * @param ok       the engine loaded from the runtime's folder and computed correctly
     * @param libtorch the folder the engine reported loading libtorch from
     * @param gpus     GPUs the engine sees
     * @param output   the child's output, for a report when it failed
     */
    public record Outcome(boolean ok, String libtorch, int gpus, String output) {
        /** The last meaningful line of the child's output (its error), for a one-sentence report. */
        public String problem() {
            String[] lines = output.strip().split("\\R");
            for (int i = lines.length - 1; i >= 0; i--) {
                String l = lines[i].strip();
                if (l.startsWith("ERROR=")) {
                    return l.substring(6);
                }
            }
            return lines.length == 0 || lines[lines.length - 1].isBlank() ? "no output"
                    : lines[lines.length - 1].strip();
        }
    }

    /** Runs the probe for {@code rt} with the class path of this JVM; at most {@code timeout}. */
    public static Outcome run(NativeRuntime rt, AppDirs dirs, Duration timeout) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("-Xmx512m");
        cmd.add("-D" + AppDirs.HOME_PROPERTY + "=" + dirs.home());
        for (String k : List.of(EngineSetup.CACHE_DIR, EngineSetup.JNA_TMP, "org.slf4j.simpleLogger.defaultLogLevel")) {
            if (System.getProperty(k) != null) {
                cmd.add("-D" + k + "=" + System.getProperty(k));
            }
        }
        cmd.add("-D" + RuntimeActivation.LIBRARY_PATH + "=" + rt.folder());
        cmd.add("-D" + RuntimeActivation.FLAVOR + "=" + rt.flavor());
        cmd.add("-D" + RuntimeActivation.VERSION + "=" + rt.version());
        cmd.add(RuntimeProbe.class.getName());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.remove(RuntimeActivation.LIBRARY_PATH);
        env.remove(RuntimeActivation.FLAVOR);
        env.remove(RuntimeActivation.VERSION);
        String out;
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return new Outcome(false, null, 0, "ERROR=cannot start a Java process to try the runtime: "
                    + e.getMessage());
        }
        try (InputStream in = p.getInputStream()) {
            p.getOutputStream().close();
            StringBuilder sb = new StringBuilder();
            Thread pump = new Thread(() -> {
                try {
                    sb.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException ignored) {
                    // the process ended
                }
            }, "runtime-probe-output");
            pump.setDaemon(true);
            pump.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return new Outcome(false, null, 0, "ERROR=the runtime did not load within " + timeout.toSeconds()
                        + " s");
            }
            pump.join(10_000);
            out = sb.toString();
        } catch (IOException e) {
            out = "ERROR=" + e.getMessage();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return new Outcome(false, null, 0, "ERROR=interrupted");
        }
        String lib = value(out, "LIBTORCH=");
        String gpus = value(out, "GPUS=");
        boolean ok = p.exitValue() == 0 && "OK".equals(value(out, "RESULT="))
                && lib != null && Paths.get(lib).toAbsolutePath().normalize().equals(rt.folder().toAbsolutePath().normalize());
        if (p.exitValue() != 0 && value(out, "ERROR=") == null) {
            out = out + "\nERROR=the Java process trying the runtime ended with exit code " + p.exitValue()
                    + (p.exitValue() > 128 ? " (killed by signal " + (p.exitValue() - 128) + ")" : "");
        } else if (p.exitValue() == 0 && !ok) {
            out = out + "\nERROR=the engine loaded libtorch from " + lib + ", not from " + rt.folder();
        }
        return new Outcome(ok, lib, gpus == null ? 0 : Integer.parseInt(gpus.trim()), out);
    }

    private static String value(String out, String key) {
        String found = null;
        for (String line : out.split("\\R")) {
            if (line.startsWith(key)) {
                found = line.substring(key.length()).trim();
            }
        }
        return found;
    }

    /** The child: loads the engine as configured by the system properties and computes. */
    public static void main(String[] args) {
        try {
            Engine engine = EngineSetup.start();
            System.out.println("LIBTORCH=" + libtorchPath());
            int gpus = engine.getGpuCount();
            System.out.println("GPUS=" + gpus);
            check(Device.cpu());
            if (gpus > 0) {
                check(Device.gpu(0));
            }
            System.out.println("RESULT=OK");
            System.exit(0);
        } catch (Throwable t) {
            String m = t.getMessage();
            for (Throwable c = t.getCause(); c != null; c = c.getCause()) {
                if (c.getMessage() != null) {
                    m = c.getMessage();
                }
            }
            System.out.println("ERROR=" + (m == null ? t.toString() : m).replace('\n', ' '));
            System.exit(3);
        }
    }

    private static void check(Device device) {
        try (NDManager m = NDManager.newBaseManager(device)) {
            NDArray a = m.arange(1f, 10f).reshape(new Shape(3, 3));
            float sum = a.matMul(a.transpose()).sum().getFloat();
            if (sum != 693f) { // the sum of A times its transpose, A = [[1,2,3],[4,5,6],[7,8,9]]: |(12,15,18)|^2
                throw new IllegalStateException("a matrix product on " + device + " gave " + sum + " instead of 693");
            }
        }
    }

    /** Where the loaded engine found libtorch (DJL's {@code LibUtils.getLibtorchPath()}), or null. */
    public static String libtorchPath() {
        try {
            Class<?> c = Class.forName("ai.djl.pytorch.jni.LibUtils");
            return String.valueOf(c.getMethod("getLibtorchPath").invoke(null));
        } catch (ReflectiveOperationException | LinkageError e) {
            return null;
        }
    }
}
