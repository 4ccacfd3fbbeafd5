package dev.restora.core.net;

import com.google.gson.Gson;
import dev.restora.core.diffusion.CancellationToken;
import dev.restora.core.diffusion.CancelledException;
import dev.restora.core.io.AtomicFiles;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Authenticator;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.ProxySelector;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A resumable HTTP download into a partial file, shared by the model store and the GPU runtime installer.
 *
 * <p>{@link #fetch} fills {@code part} with the whole body of {@code uri}: a dropped or silent connection is resumed
 * with {@code Range} (and {@code If-Range}, so a changed file restarts), within one call up to
 * {@link #setMaxAttempts} attempts (a fresh round whenever an attempt got further), and across calls and restarts
 * through the sidecar {@code <part>.json}; a server that ignores the range restarts the file from zero. The caller
 * checks the result (size, hash) and moves it into place atomically. Cancel with the token ({@link #abort} also closes
 * the connection at once); the part stays for a later resume.
 *
 * <p>HTTP goes through {@link HttpClient} with {@link ProxySelector#getDefault()}, so {@code -Dhttps.proxyHost},
 * {@code -Dhttp.nonProxyHosts} and (with {@code -Djava.net.useSystemProxies=true}) the OS settings apply.
 *
 * <p>A web page (text/html) where a file is expected is followed when it is a download confirmation
 * ({@link DownloadConfirmation}, Google Drive's virus-scan page), else reported as {@link TransferException.Kind#WEB_PAGE}.
 */
public final class HttpTransfer {
    /** Receives progress on the downloading thread (a few calls per second, always the last). */
    @FunctionalInterface
    public interface Listener {
        Listener NONE = (bytes, total, speed) -> { };

        /**
         * @param bytes          bytes in the part file so far (including a resumed part)
         * @param total          the full size, or -1 when unknown
         * @param bytesPerSecond the speed of the current connection
         */
        void progress(long bytes, long total, double bytesPerSecond);
    }

    private static final Logger LOG = LoggerFactory.getLogger(HttpTransfer.class);
    private static final Gson GSON = new Gson();
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes\\s+(\\d+)-(\\d+)/(\\d+|\\*)");
    private static final Pattern UNSATISFIED_RANGE = Pattern.compile("bytes\\s+\\*/(\\d+)");
    /** Fresh rounds of attempts granted for getting further than before, so a flaky line still finishes. */
    private static final int MAX_ROUNDS = 20;
    /** Confirmation pages followed per attempt before the page is reported. */
    private static final int MAX_PAGE_HOPS = 3;
    /** The most of a web page read to look for a download confirmation. */
    private static final int MAX_PAGE_BYTES = 1 << 20;
    private static final long PROGRESS_INTERVAL_NANOS = 200_000_000L;
    private static final String USER_AGENT = "RestoraStudio/0.1";

    /** Watches running transfers: a cancelled token or a silent connection closes the body stream. */
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "restora-download-watchdog");
        t.setDaemon(true);
        return t;
    });

    private final Map<CancellationToken, Running> running = new ConcurrentHashMap<>();
    private volatile HttpClient http;
    private volatile int maxAttempts = 4;
    private volatile Duration retryDelay = Duration.ofSeconds(2);
    private volatile Duration idleTimeout = Duration.ofSeconds(60);

    /** Attempts per call before giving up (each after the first resumes where the last stopped). */
    public HttpTransfer setMaxAttempts(int attempts) {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1");
        }
        this.maxAttempts = attempts;
        return this;
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    /** How long a connection may stay silent (no answer, or no body bytes) before it is dropped and resumed. */
    public HttpTransfer setIdleTimeout(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("idle timeout must be positive");
        }
        this.idleTimeout = timeout;
        return this;
    }

    public Duration idleTimeout() {
        return idleTimeout;
    }

    public HttpTransfer setRetryDelay(Duration delay) {
        this.retryDelay = Objects.requireNonNull(delay);
        return this;
    }

    /** The HTTP client to use; by default one with the system proxy selector, redirects followed, HTTP/1.1. */
    public HttpTransfer setHttpClient(HttpClient client) {
        this.http = client;
        return this;
    }

    /** Cancels the transfer running with this token and closes its connection now; false when none runs. */
    public boolean abort(CancellationToken token) {
        token.cancel();
        Running r = running.get(token);
        if (r == null) {
            return false;
        }
        r.closeStream();
        return true;
    }

    /**
     * The size the server announces for {@code uri} (a {@code HEAD} request, redirects and proxy as for
     * {@link #fetch}), or -1 when it does not say.
     *
     * @throws TransferException for no network or an HTTP error status
     */
    public long contentLength(URI uri, CancellationToken token) throws IOException {
        Running rd = new Running(token != null ? token : new CancellationToken());
        HttpRequest req = HttpRequest.newBuilder(uri).header("User-Agent", USER_AGENT)
                .header("Accept-Encoding", "identity").method("HEAD", HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<InputStream> resp;
        try {
            resp = send(req, rd);
        } catch (IOException ex) {
            throw new TransferException(isNoNetwork(ex) ? TransferException.Kind.NO_NETWORK
                    : TransferException.Kind.GAVE_UP, uri, 0, 0, describe(ex), ex);
        }
        closeQuietly(resp.body());
        if (resp.statusCode() / 100 != 2) {
            throw new TransferException(TransferException.Kind.HTTP_STATUS, uri, resp.statusCode(), 0,
                    "the server answered HTTP " + resp.statusCode() + " for " + uri, null);
        }
        return resp.headers().firstValueAsLong("Content-Length").orElse(-1);
    }

    /** The sidecar that remembers what a part was fetched from ({@code <part>.json}). */
    public static Path metaOf(Path part) {
        return part.resolveSibling(part.getFileName() + ".json");
    }

    /** Deletes a part and its sidecar. */
    public static void discard(Path part) throws IOException {
        Files.deleteIfExists(part);
        Files.deleteIfExists(metaOf(part));
    }

    /**
     * Fetches the whole body of {@code uri} into {@code part}, resuming what it already holds; returns its size.
     *
     * @param expectedSize the size the caller expects (-1: unknown); a part that already has it is not fetched again
     * @throws CancelledException when the token was cancelled (the part stays)
     * @throws TransferException  when the file could not be fetched (the part stays for a later call)
     * @throws IOException        when the part cannot be written
     */
    public long fetch(URI uri, Path part, long expectedSize, Listener listener, CancellationToken token)
            throws IOException {
        Listener l = listener != null ? listener : Listener.NONE;
        Running rd = new Running(token != null ? token : new CancellationToken());
        if (running.putIfAbsent(rd.token, rd) != null) {
            throw new IllegalStateException("this token already runs a transfer");
        }
        long idleNanos = idleTimeout.toNanos();
        ScheduledFuture<?> watch = WATCHDOG.scheduleWithFixedDelay(() -> rd.watch(idleNanos), 100, 100,
                TimeUnit.MILLISECONDS);
        try {
            Files.createDirectories(part.toAbsolutePath().getParent());
            return run(uri, part, expectedSize, l, rd);
        } finally {
            watch.cancel(false);
            running.remove(rd.token, rd);
        }
    }

    private long run(URI uri, Path part, long expectedSize, Listener l, Running rd) throws IOException {
        Path metaFile = metaOf(part);
        PartMeta meta = readMeta(metaFile);
        if (meta == null || !uri.toString().equals(meta.url)) {
            Files.deleteIfExists(part);
            meta = new PartMeta();
            meta.url = uri.toString();
        }
        String lastProblem = null;
        long best = size(part);
        int rounds = 0;
        URI current = uri;
        int hops = 0;
        for (int attempt = 1; ; attempt++) {
            rd.token.throwIfCancelled();
            if (attempt > maxAttempts) {
                throw new TransferException(TransferException.Kind.GAVE_UP, uri, 0, size(part),
                        "failed after " + maxAttempts + " attempts (" + lastProblem + ")", null);
            }
            if (attempt > 1 && hops == 0) {
                sleep(retryDelay, rd);
            }
            long have = size(part);
            long expectedTotal = meta.total > 0 ? meta.total : expectedSize;
            if (have > 0 && expectedTotal > 0 && have == expectedTotal) {
                return have; // complete from an earlier run that stopped before the caller's move
            }
            if (have > 0 && expectedTotal > 0 && have > expectedTotal) {
                Files.delete(part);
                have = 0;
            }
            HttpRequest.Builder rb = HttpRequest.newBuilder(current)
                    .header("User-Agent", USER_AGENT)
                    .header("Accept-Encoding", "identity")
                    .GET();
            if (have > 0) {
                rb.header("Range", "bytes=" + have + "-");
                String validator = meta.etag != null && !meta.etag.startsWith("W/") ? meta.etag : meta.lastModified;
                if (validator != null) {
                    rb.header("If-Range", validator);
                }
            }
            HttpResponse<InputStream> resp;
            try {
                resp = send(rb.build(), rd);
            } catch (IOException ex) {
                if (isNoNetwork(ex)) {
                    throw new TransferException(TransferException.Kind.NO_NETWORK, uri, 0, size(part),
                            "no network connection to " + current.getHost() + " (" + describe(ex) + ")", ex);
                }
                lastProblem = describe(ex);
                hops = 0;
                LOG.warn("download of {} attempt {} failed: {}", uri, attempt, lastProblem);
                continue;
            }
            int code = resp.statusCode();
            InputStream body = resp.body();
            boolean append;
            long total;
            if (code == 206 && have > 0) {
                Matcher m = CONTENT_RANGE.matcher(resp.headers().firstValue("Content-Range").orElse(""));
                if (!m.find() || Long.parseLong(m.group(1)) != have) {
                    closeQuietly(resp.body());
                    LOG.warn("server sent an unexpected range for {}; starting again from zero", uri);
                    Files.deleteIfExists(part);
                    lastProblem = "unexpected Content-Range";
                    continue;
                }
                append = true;
                total = m.group(3).equals("*") ? -1 : Long.parseLong(m.group(3));
            } else if (code == 200) {
                body = new BufferedInputStream(body, 1 << 16);
                boolean page;
                String html = null;
                rd.lastActivity = System.nanoTime();
                rd.stream = body; // a cancel or a silent server closes it while the first bytes are awaited
                try {
                    page = isWebPage(resp, body);
                    if (page) {
                        html = readPage(body);
                    }
                } catch (IOException ex) {
                    if (rd.token.isCancelled()) {
                        throw new CancelledException();
                    }
                    rd.stalled = false;
                    lastProblem = "connection lost at the start: " + describe(ex);
                    hops = 0;
                    continue;
                } finally {
                    rd.stream = null;
                }
                if (page) {
                    URI next = DownloadConfirmation.follow(current, html).orElse(null);
                    if (next == null || ++hops > MAX_PAGE_HOPS) {
                        throw new TransferException(TransferException.Kind.WEB_PAGE, uri, code, size(part),
                                "the address answered with a web page (text/html), not the file", null);
                    }
                    LOG.info("{} answered with a download confirmation page; following it to {}", current, next);
                    current = next;
                    attempt--; // a followed page costs no attempt
                    continue;
                }
                if (have > 0) {
                    LOG.info("server ignored the range request for {} (or the file changed); restarting from zero",
                            uri);
                }
                append = false;
                have = 0;
                total = resp.headers().firstValueAsLong("Content-Length").orElse(-1);
                meta.etag = resp.headers().firstValue("ETag").orElse(null);
                meta.lastModified = resp.headers().firstValue("Last-Modified").orElse(null);
            } else if (code == 416 && have > 0) {
                closeQuietly(resp.body());
                Matcher m = UNSATISFIED_RANGE.matcher(resp.headers().firstValue("Content-Range").orElse(""));
                if (m.find() && Long.parseLong(m.group(1)) == have) {
                    return have; // the part already holds the whole file
                }
                Files.deleteIfExists(part);
                lastProblem = "range not satisfiable";
                continue;
            } else {
                closeQuietly(resp.body());
                lastProblem = "HTTP " + code;
                hops = 0;
                if (code >= 500 || code == 429 || code == 408) {
                    continue;
                }
                throw new TransferException(TransferException.Kind.HTTP_STATUS, uri, code, size(part),
                        "the server answered HTTP " + code + " for " + current, null);
            }
            hops = 0;
            meta.total = total;
            AtomicFiles.writeString(metaFile, GSON.toJson(meta));
            try {
                have = copyBody(body, part, append, have, total, l, rd);
            } catch (IOException ex) {
                if (rd.token.isCancelled()) {
                    throw new CancelledException();
                }
                if (rd.stalled) {
                    rd.stalled = false;
                    ex = new IOException("no data for " + idleTimeout.toSeconds() + " s", ex);
                }
                lastProblem = "connection lost after " + size(part) + " of " + (total >= 0 ? total : "?")
                        + " bytes: " + describe(ex);
                LOG.warn("download of {} attempt {}: {}", uri, attempt, lastProblem);
                long now = size(part);
                if (now > best && maxAttempts > 1 && ++rounds < MAX_ROUNDS) {
                    best = now;
                    attempt = 0; // got further than ever: a fresh round of attempts for the rest
                }
                continue;
            }
            if (total >= 0 && have != total) {
                lastProblem = "the server closed the connection after " + have + " of " + total + " bytes";
                if (have > best && maxAttempts > 1 && ++rounds < MAX_ROUNDS) {
                    best = have;
                    attempt = 0;
                }
                continue;
            }
            return have;
        }
    }

    /** A text/html answer, or one whose first bytes are an HTML document, where a file was expected. */
    private static boolean isWebPage(HttpResponse<?> resp, InputStream body) throws IOException {
        String type = resp.headers().firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT);
        if (type.startsWith("text/html") || type.startsWith("application/xhtml")) {
            return true;
        }
        body.mark(256);
        byte[] head = body.readNBytes(256);
        body.reset();
        String start = new String(head, StandardCharsets.ISO_8859_1).stripLeading().toLowerCase(Locale.ROOT);
        return start.startsWith("<!doctype html") || start.startsWith("<html");
    }

    private static String readPage(InputStream body) throws IOException {
        try (InputStream in = body) {
            return new String(in.readNBytes(MAX_PAGE_BYTES), StandardCharsets.UTF_8);
        }
    }

    private long copyBody(InputStream body, Path part, boolean append, long have, long total, Listener l,
                          Running rd) throws IOException {
        rd.lastActivity = System.nanoTime();
        rd.stream = body;
        try (InputStream in = body;
             FileChannel out = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
            if (rd.token.isCancelled()) {
                throw new CancelledException();
            }
            long start = System.nanoTime();
            long lastReport = start;
            long session = 0;
            l.progress(have, total, 0);
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) >= 0) {
                rd.lastActivity = System.nanoTime();
                if (rd.token.isCancelled()) {
                    throw new CancelledException();
                }
                ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
                while (bb.hasRemaining()) {
                    out.write(bb);
                }
                have += n;
                session += n;
                if (total >= 0 && have > total) {
                    throw new IOException("the server sent more than the announced " + total + " bytes");
                }
                long now = System.nanoTime();
                if (now - lastReport >= PROGRESS_INTERVAL_NANOS) {
                    lastReport = now;
                    l.progress(have, total, speed(session, now - start));
                }
            }
            if (rd.token.isCancelled()) {
                throw new CancelledException();
            }
            out.force(false);
            l.progress(have, total, speed(session, System.nanoTime() - start));
            return have;
        } finally {
            rd.stream = null;
        }
    }

    /** Sends a request, waiting for the answer at most the idle timeout and giving up at once when cancelled. */
    private HttpResponse<InputStream> send(HttpRequest request, Running rd) throws IOException {
        CompletableFuture<HttpResponse<InputStream>> f = http().sendAsync(request,
                HttpResponse.BodyHandlers.ofInputStream());
        long deadline = System.nanoTime() + idleTimeout.toNanos();
        while (true) {
            try {
                return f.get(100, TimeUnit.MILLISECONDS);
            } catch (TimeoutException t) {
                if (rd.token.isCancelled()) {
                    f.cancel(true);
                    throw new CancelledException();
                }
                if (System.nanoTime() > deadline) {
                    f.cancel(true);
                    throw new IOException("no answer from the server for " + idleTimeout.toSeconds() + " s");
                }
            } catch (InterruptedException ex) {
                f.cancel(true);
                Thread.currentThread().interrupt();
                throw new CancelledException();
            } catch (ExecutionException ex) {
                Throwable c = ex.getCause();
                if (c instanceof IOException io) {
                    throw io;
                }
                throw new IOException(describe(c), c);
            }
        }
    }

    private HttpClient http() {
        HttpClient c = http;
        if (c == null) {
            synchronized (this) {
                c = http;
                if (c == null) {
                    ProxySelector proxy = ProxySelector.getDefault();
                    HttpClient.Builder b = HttpClient.newBuilder()
                            .proxy(proxy != null ? proxy : HttpClient.Builder.NO_PROXY)
                            .followRedirects(HttpClient.Redirect.NORMAL)
                            .version(HttpClient.Version.HTTP_1_1)
                            .connectTimeout(Duration.ofSeconds(15));
                    Authenticator auth = Authenticator.getDefault();
                    if (auth != null) {
                        b.authenticator(auth); // proxy credentials set up by the app
                    }
                    c = b.build();
                    http = c;
                }
            }
        }
        return c;
    }

    private static long size(Path part) throws IOException {
        return Files.isRegularFile(part) ? Files.size(part) : 0;
    }

    private static double speed(long bytes, long nanos) {
        return nanos <= 0 ? 0 : bytes * 1e9 / nanos;
    }

    /** Waits between attempts; a cancel ends the wait at once. */
    private static void sleep(Duration d, Running rd) {
        try {
            if (rd.cancelled.await(d.toNanos(), TimeUnit.NANOSECONDS) || rd.token.isCancelled()) {
                throw new CancelledException();
            }
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new CancelledException();
        }
    }

    private static boolean isNoNetwork(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof UnknownHostException || t instanceof ConnectException
                    || t instanceof NoRouteToHostException || t instanceof HttpConnectTimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** The exception's class and message, for one-line reports. */
    public static String describe(Throwable ex) {
        String m = ex.getMessage();
        if (m == null && ex.getCause() != null) {
            m = ex.getCause().getMessage();
        }
        return ex.getClass().getSimpleName() + (m != null ? ": " + m : "");
    }

    private static PartMeta readMeta(Path f) {
        try {
            return Files.isRegularFile(f) ? GSON.fromJson(Files.readString(f, StandardCharsets.UTF_8), PartMeta.class)
                    : null;
        } catch (IOException | RuntimeException ex) {
            return null;
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    /** What a partial download was fetched from, so a resume asks for the same version ({@code If-Range}). */
    private static final class PartMeta {
        String url;
        String etag;
        String lastModified;
        long total = -1;
    }

    private static final class Running {
        final CancellationToken token;
        final java.util.concurrent.CountDownLatch cancelled = new java.util.concurrent.CountDownLatch(1);
        volatile InputStream stream;
        volatile long lastActivity = System.nanoTime();
        volatile boolean stalled;

        Running(CancellationToken token) {
            this.token = token;
        }

        void closeStream() {
            cancelled.countDown();
            InputStream in = stream;
            if (in != null) {
                try {
                    in.close();
                } catch (IOException | RuntimeException ignored) {
                    // the reader sees the closed stream
                }
            }
        }

        /** Unblocks a reader stuck on a cancelled or silent connection by closing its stream. */
        void watch(long idleNanos) {
            if (token.isCancelled()) {
                closeStream();
                return;
            }
            InputStream in = stream;
            if (in != null && System.nanoTime() - lastActivity > idleNanos) {
                stalled = true;
                try {
                    in.close();
                } catch (IOException | RuntimeException ignored) {
                    // the reader sees the closed stream
                }
            }
        }
    }
}
