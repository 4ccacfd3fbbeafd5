package dev.restora.core.models;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real HTTP server on 127.0.0.1 (ephemeral port) serving one file at {@code /models/<name>}, with switches for
 * the failure modes a model download meets: a connection dropped after some bytes, a server that ignores Range,
 * a truncated body, slow delivery.
 */
final class TestModelServer implements AutoCloseable {
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-");

    volatile byte[] content;
    /** Per-name contents ({@code /models/<name>}) served instead of {@link #content} (a multi-file model). */
    volatile java.util.Map<String, byte[]> byName = java.util.Map.of();
    /** Requests whose number (1-based) is at most this drop the connection after {@link #dropAfter} bytes. */
    volatile int dropRequests;
    volatile int dropAfter;
    /** Every request stops after this many bytes (-1: never), announcing the full length. */
    volatile int truncateAt = -1;
    volatile boolean ignoreRange;
    volatile boolean announceShortLength;
    /** Requests whose number is at most this go silent for {@link #stallMillis} after {@link #stallAfter} bytes. */
    volatile int stallRequests;
    volatile int stallAfter;
    volatile long stallMillis;
    /** Sleep between 4 KiB chunks. */
    volatile long chunkDelayMillis;
    /**
     * Requests whose number is at most this stop after {@link #gateAfter} bytes, count down {@link #gateReached} and
     * wait for {@link #gate} (released by the test or by {@link #close}) before sending the rest.
     */
    volatile int gateRequests;
    volatile int gateAfter;
    final CountDownLatch gateReached = new CountDownLatch(1);
    final CountDownLatch gate = new CountDownLatch(1);
    final List<String> rangeHeaders = new CopyOnWriteArrayList<>();
    final List<String> requestUris = new CopyOnWriteArrayList<>();
    final AtomicInteger requests = new AtomicInteger();
    private final HttpServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-model-server");
        t.setDaemon(true);
        return t;
    });

    TestModelServer(byte[] content) throws IOException {
        this.content = content;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(pool);
        server.start();
    }

    String url(String name) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/models/" + name;
    }

    int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        int n = requests.incrementAndGet();
        requestUris.add(ex.getRequestURI().toString());
        String range = ex.getRequestHeaders().getFirst("Range");
        rangeHeaders.add(range == null ? "" : range);
        String path = ex.getRequestURI().getPath();
        byte[] data = byName.getOrDefault(path.substring(path.lastIndexOf('/') + 1), content);
        if (!ex.getRequestURI().getPath().startsWith("/models/")) {
            ex.sendResponseHeaders(404, -1);
            ex.close();
            return;
        }
        int from = 0;
        Matcher m = range == null ? null : RANGE.matcher(range);
        ex.getResponseHeaders().add("ETag", "\"v" + data.length + "\"");
        if (m != null && m.matches() && !ignoreRange) {
            from = Integer.parseInt(m.group(1));
            if (from >= data.length) {
                ex.getResponseHeaders().add("Content-Range", "bytes */" + data.length);
                ex.sendResponseHeaders(416, -1);
                ex.close();
                return;
            }
            ex.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (data.length - 1) + "/" + data.length);
            ex.sendResponseHeaders(206, data.length - from);
        } else {
            int announced = announceShortLength && truncateAt >= 0 ? truncateAt : data.length;
            ex.sendResponseHeaders(200, announced);
        }
        int stop = data.length;
        if (n <= dropRequests) {
            stop = Math.min(stop, from + dropAfter);
        }
        if (truncateAt >= 0) {
            stop = Math.min(stop, truncateAt);
        }
        OutputStream out = ex.getResponseBody();
        try {
            boolean stalls = n <= stallRequests;
            boolean gated = n <= gateRequests;
            for (int i = from; i < stop; i += 4096) {
                if (gated && i - from >= gateAfter) {
                    gated = false;
                    gateReached.countDown();
                    gate.await();
                }
                if (stalls && i - from >= stallAfter) {
                    stalls = false;
                    Thread.sleep(stallMillis);
                }
                out.write(data, i, Math.min(4096, stop - i));
                out.flush();
                if (chunkDelayMillis > 0) {
                    Thread.sleep(chunkDelayMillis);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the client went away (cancel): nothing to do
        }
        if (stop < data.length && !(announceShortLength && truncateAt >= 0)) {
            // drop the connection without finishing the body
            throw new IOException("test server drops the connection after " + (stop - from) + " bytes");
        }
        ex.close();
    }

    @Override
    public void close() {
        gate.countDown();
        server.stop(0);
        pool.shutdownNow();
    }
}
