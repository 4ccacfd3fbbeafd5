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
    private OfflineChild() {
    }

    public static void main(String[] args) throws Exception {
        EngineSetup.Report report = EngineSetup.configure();
        System.out.println("OFFLINE=" + System.getProperty(EngineSetup.OFFLINE));
        System.out.println("CACHE=" + report.cacheDir());
        System.out.println("JNA=" + report.jnaTmp());
        System.out.println("LIBTORCH=" + report.libraryPath());
        System.out.println("THREADS=" + report.intraOpThreads() + "/" + report.interOpThreads());
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("192.0.2.1", 80), 300);
            System.out.println("NETWORK=reachable");
        } catch (Exception e) {
            System.out.println("NETWORK=unreachable (" + e.getClass().getSimpleName() + ")");
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
