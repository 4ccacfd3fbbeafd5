package dev.restora.core.runtime;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback HTTP server with DJL's published layout: {@code /pytorch/<version>/files.txt} and
 * {@code /pytorch/<version>/<flavor>/<classifier>/native/lib/<name>.gz}, with HEAD, Range and the failure modes an
 * install meets (dropped connections, a server ignoring Range, a wrong announced size, a missing file, a gate that
 * holds a transfer until released).
 */
final class DjlLayoutServer implements AutoCloseable {
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-");

    /** Served gz files by their path below /pytorch/<version>/. */
    final Map<String, Path> files = new LinkedHashMap<>();
    final List<String> requests = new CopyOnWriteArrayList<>();
    final AtomicInteger count = new AtomicInteger();
    /** The first GET of each file drops the connection after this many bytes (-1: never). */
    volatile long dropFirstAfter = -1;
    private final Set<String> dropped = ConcurrentHashMap.newKeySet();
    volatile boolean ignoreRange;
    /** HEAD announces this many bytes more than the file has. */
    volatile long headExtra;
    /** Answered with 404. */
    volatile String missing;
    /** GETs of files hold after this many bytes until {@link #gate} opens (-1: never). */
    volatile long gateAfter = -1;
    final CountDownLatch gateReached = new CountDownLatch(1);
    final CountDownLatch gate = new CountDownLatch(1);
    private final HttpServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "djl-layout-server");
        t.setDaemon(true);
        return t;
    });

    DjlLayoutServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(pool);
        server.start();
    }

    /** Adds a gz file as DJL lists it: {@code <flavor>/<classifier>/native/lib/<urlencoded name>.gz}. */
    String add(String flavor, String classifier, String name, Path gz) {
        String line = flavor + "/" + classifier + "/native/lib/" + URLEncoder.encode(name, StandardCharsets.UTF_8)
                + ".gz";
        files.put(line, gz);
        return line;
    }

    /** The mirror base, as given to {@code --mirror}. */
    String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/pytorch";
    }

    private void handle(HttpExchange ex) throws IOException {
        count.incrementAndGet();
        String range = ex.getRequestHeaders().getFirst("Range");
        requests.add(ex.getRequestMethod() + " " + ex.getRequestURI().getRawPath() + (range != null ? " " + range : ""));
        String prefix = "/pytorch/" + RuntimePlatform.PYTORCH_VERSION + "/";
        String path = ex.getRequestURI().getRawPath();
        try (ex) {
            if (!path.startsWith(prefix)) {
                ex.sendResponseHeaders(404, -1);
                return;
            }
            String rel = path.substring(prefix.length());
            byte[] listing = null;
            Path file = null;
            if (rel.equals("files.txt")) {
                StringBuilder sb = new StringBuilder();
                // DJL's list holds every flavor and platform; the installer must pick its own lines
                sb.append("cpu/osx-aarch64/native/lib/libtorch.dylib.gz\n");
                files.keySet().forEach(l -> sb.append(l).append('\n'));
                sb.append("cu128/win-x86_64/native/lib/torch_cuda.dll.gz\n");
                listing = sb.toString().getBytes(StandardCharsets.UTF_8);
            } else if (files.containsKey(rel) && !rel.equals(missing)) {
                file = files.get(rel);
            } else {
                ex.sendResponseHeaders(404, -1);
                return;
            }
            long length = listing != null ? listing.length : Files.size(file);
            ex.getResponseHeaders().add("Content-Type", listing != null ? "text/plain" : "application/octet-stream");
            ex.getResponseHeaders().add("ETag", "\"" + length + "\"");
            if (ex.getRequestMethod().equals("HEAD")) {
                ex.getResponseHeaders().add("Content-Length", Long.toString(length + (file != null ? headExtra : 0)));
                ex.sendResponseHeaders(200, -1);
                return;
            }
            long from = 0;
            Matcher m = range == null ? null : RANGE.matcher(range);
            if (m != null && m.matches() && !ignoreRange) {
                from = Long.parseLong(m.group(1));
                ex.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (length - 1) + "/" + length);
                ex.sendResponseHeaders(206, length - from);
            } else {
                ex.sendResponseHeaders(200, length);
            }
            long stop = length;
            if (file != null && dropFirstAfter >= 0 && dropped.add(rel)) {
                stop = Math.min(length, from + dropFirstAfter);
            }
            OutputStream out = ex.getResponseBody();
            try (InputStream in = listing != null ? new java.io.ByteArrayInputStream(listing) : Files.newInputStream(file)) {
                in.skipNBytes(from);
                byte[] buf = new byte[1 << 16];
                long pos = from;
                boolean gated = file != null && gateAfter >= 0;
                while (pos < stop) {
                    if (gated && pos - from >= gateAfter) {
                        gated = false;
                        gateReached.countDown();
                        gate.await();
                    }
                    int n = in.read(buf, 0, (int) Math.min(buf.length, stop - pos));
                    if (n < 0) {
                        break;
                    }
                    out.write(buf, 0, n);
                    pos += n;
                }
                out.flush();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                return; // the client went away
            }
            if (stop < length) {
                throw new IOException("test server drops the connection");
            }
        }
    }

    @Override
    public void close() {
        gate.countDown();
        server.stop(0);
        pool.shutdownNow();
    }
}
