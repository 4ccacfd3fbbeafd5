package dev.restora.core.engine;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * The child process of {@link EngineOfflineTest}: sets the engine up as the app does, computes, and prints what the
 * parent checks ({@code KEY=value} lines).
 */
public final class OfflineChild {
    /** {@code host:port} of a listener to probe (the parent's, on this machine). */
    static final String PROBE_PROPERTY = "restora.test.probe";

    private OfflineChild() {
    }

    public static void main(String[] args) throws Exception {
        EngineSetup.Report report = EngineSetup.configure();
        System.out.println("OFFLINE=" + System.getProperty(EngineSetup.OFFLINE));
        System.out.println("CACHE=" + report.cacheDir());
        System.out.println("JNA=" + report.jnaTmp());
        System.out.println("LIBTORCH=" + report.libraryPath());
        System.out.println("THREADS=" + report.intraOpThreads() + "/" + report.interOpThreads());
        // the listener the parent opened on this machine: reachable unless the child is isolated from its network
        String probe = System.getProperty(PROBE_PROPERTY);
        if (probe != null) {
            int colon = probe.lastIndexOf(':');
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(probe.substring(0, colon), Integer.parseInt(probe.substring(colon + 1))),
                        2000);
                System.out.println("NETWORK=reachable");
            } catch (Exception e) {
                System.out.println("NETWORK=unreachable (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
            }
        }
        Engine engine = EngineSetup.start();
        System.out.println("ENGINE=" + engine.getEngineName() + " " + engine.getVersion());
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.arange(1f, 10f).reshape(new Shape(3, 3));
            NDArray r = a.matMul(a.transpose()).sum();
            System.out.println("RESULT=" + r.getFloat());
        }
    }
}
