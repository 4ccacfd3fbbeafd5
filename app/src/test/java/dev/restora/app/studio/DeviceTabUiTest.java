package dev.restora.app.studio;

import static dev.restora.app.studio.StudioUiTest.fx;
import static dev.restora.app.studio.StudioUiTest.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.restora.app.studio.model.StudioContext;
import dev.restora.app.studio.view.SettingsDialog;
import dev.restora.core.engine.AppDirs;
import dev.restora.core.net.HttpTransfer;
import dev.restora.core.runtime.GpuRuntimes;
import dev.restora.core.runtime.NativeRuntime;
import dev.restora.core.runtime.RuntimePlatform;
import dev.restora.core.runtime.RuntimeStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.TabPane;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.layout.StackPane;
import javafx.scene.Scene;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/**
 * Settings > Device on the real dialog (Monocle, headless): the libtorch in use and at the next start (folder,
 * version, flavor), the devices, and the GPU runtime's install form against a loopback mirror with DJL's layout:
 * sizes, free disk and licence terms come first and no library is fetched before Install; Install needs the licence
 * accepted and enough disk; an install is started and then cancelled from the tab.
 *
 * <p>Nothing here blocks the FX thread: the dialog is a plain (non-modal) window shown with {@code show()}, never
 * {@code showAndWait()}; every wait is a bounded poll from the test thread; buttons are fired on the FX thread (a
 * robot click on a node outside the 600-pixel window would miss and leave the test waiting); the mirror's held
 * transfer runs on its own daemon threads (a handler blocked on the server's dispatcher thread would stall every
 * other request) and is released at the end.
 */
@ExtendWith(ApplicationExtension.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class DeviceTabUiTest {
    @TempDir
    Path dir;
    private StudioContext ctx;
    private Stage owner;
    private Mirror mirror;

    @Start
    void start(Stage stage) {
        owner = stage;
        stage.setScene(new Scene(new StackPane(), 200, 100));
        stage.show();
    }

    @AfterEach
    void tearDown() throws Exception {
        fx(() -> {
            for (Window w : List.copyOf(Window.getWindows())) {
                if (w instanceof Stage s && "Settings".equals(s.getTitle())) {
                    s.close();
                }
            }
            return null;
        });
        if (mirror != null) {
            mirror.close();
        }
        if (ctx != null) {
            ctx.close();
        }
    }

    @Test
    void showsTheRuntimeDevicesAndAPlanBeforeFetchingThenStartsAndCancelsAnInstall(FxRobot robot) throws Exception {
        Path home = dir.resolve("home");
        ctx = StudioFixtures.context(home, Platform::runLater);
        mirror = new Mirror();
        GpuRuntimes rts = new GpuRuntimes(AppDirs.at(home), new HttpTransfer(), RuntimePlatform.current());
        rts.setMirror(mirror.url());
        // a runtime chosen earlier: the tab names it (in use, or from the next start when this JVM's engine already
        // runs on the bundled one) with its folder, version and flavor
        String classifier = RuntimePlatform.current().classifier();
        Path chosen = Files.createDirectories(dir.resolve("my libtorch"));
        RuntimeStore.open(AppDirs.at(home)).select(new NativeRuntime(chosen, RuntimePlatform.PYTORCH_VERSION,
                RuntimePlatform.CUDA_FLAVOR, classifier, "user", chosen.toString(), Map.of()));

        fx(() -> {
            new SettingsDialog(ctx, owner, () -> { }).show();
            return null;
        });
        until(() -> robot.lookup("#settings-dialog").tryQuery().isPresent(), 20, "the settings window");
        TabPane tabs = fx(() -> (TabPane) robot.lookup("#settings-dialog .tab-pane").query());
        robot.clickOn(fx(() -> tabHeader(robot)));
        until(() -> "settings-device-tab".equals(tabs.getSelectionModel().getSelectedItem().getId()), 10,
                "the Device tab to open on a click");

        // the runtime and the devices, read off the UI thread
        Label runtime = node(robot, "#device-runtime", Label.class);
        Label devices = node(robot, "#device-list", Label.class);
        String described = "libtorch " + RuntimePlatform.PYTORCH_VERSION + " " + RuntimePlatform.CUDA_FLAVOR + " ("
                + classifier + ") in " + chosen;
        until(() -> runtime.getText().contains(described) && !devices.getText().isEmpty(), 30,
                "the runtime and the devices");
        String runtimeText = fx(runtime::getText);
        assertTrue(runtimeText.startsWith("In use: libtorch " + RuntimePlatform.PYTORCH_VERSION + " "), runtimeText);
        assertTrue(fx(() -> runtime.isVisible()));
        List<String> deviceLines = List.of(fx(devices::getText).split("\n"));
        assertTrue(deviceLines.get(0).matches("CPU: .+, \\d+ threads"), deviceLines.toString());
        assertTrue(deviceLines.size() >= 2, "the CPU and the GPUs (or why there is none): " + deviceLines);

        // the form: licence terms shown, nothing to install before a plan, no request yet
        TextArea licence = node(robot, "#device-licence", TextArea.class);
        assertEquals(GpuRuntimes.LICENCE, fx(licence::getText));
        assertFalse(fx(licence::isEditable));
        Button plan = node(robot, "#device-plan", Button.class);
        Button install = node(robot, "#device-install", Button.class);
        Button cancel = node(robot, "#device-cancel", Button.class);
        CheckBox accept = node(robot, "#device-accept", CheckBox.class);
        Label progress = node(robot, "#device-progress", Label.class);
        ProgressBar bar = node(robot, "#device-bar", ProgressBar.class);
        TextField mirrorField = node(robot, "#device-mirror", TextField.class);
        assertEquals(mirror.url(), fx(mirrorField::getText), "the mirror in use is shown");
        assertTrue(fx(install::isDisabled));
        assertTrue(fx(cancel::isDisabled));
        assertFalse(fx(accept::isSelected));
        assertTrue(mirror.requests.isEmpty(), mirror.requests.toString());
        @SuppressWarnings("unchecked")
        ComboBox<String> flavor = fx(() -> (ComboBox<String>) robot.lookup("#device-flavor").queryAs(ComboBox.class));
        assertTrue(fx(() -> flavor.getItems().contains("cpu")));
        fx(() -> {
            flavor.setValue("cpu"); // the loopback mirror serves a stand-in "cpu" flavor
            return null;
        });

        // a plan that does not fit the disk: said so, and Install stays off even with the terms accepted
        mirror.announceHuge = true;
        fire(plan);
        until(() -> progress.getText().contains("free"), 30, "the plan");
        String tooBig = fx(progress::getText);
        assertTrue(tooBig.startsWith("3 files, ") && tooBig.endsWith("not enough free disk space"), tooBig);
        fx(() -> {
            accept.setSelected(true);
            return null;
        });
        assertTrue(fx(install::isDisabled), "no install without the disk space");

        // a plan that fits: sizes and free disk shown, nothing but the list and the sizes asked for
        mirror.announceHuge = false;
        fx(() -> {
            accept.setSelected(false);
            return null;
        });
        fire(plan);
        until(() -> progress.getText().contains("free") && !progress.getText().contains("not enough"), 30,
                "the second plan");
        String planned = fx(progress::getText);
        assertTrue(planned.matches("3 files, .+ to download, about .+ of disk needed, .+ free"), planned);
        assertTrue(mirror.requests.stream().allMatch(r -> r.startsWith("HEAD ") || r.endsWith("/files.txt")),
                "only the list and the sizes before Install: " + mirror.requests);
        assertTrue(fx(install::isDisabled), "the licence terms come first");
        fx(() -> {
            accept.setSelected(true);
            return null;
        });
        assertFalse(fx(install::isDisabled));
        assertFalse(fx(plan::isDisabled));

        // install: the first library is held half-way by the mirror; the tab shows the progress; cancel stops it
        fire(install);
        assertTrue(mirror.held.await(30, TimeUnit.SECONDS), "the install did not reach the mirror: "
                + mirror.requests);
        assertTrue(mirror.requests.stream().anyMatch(r -> r.startsWith("GET ") && r.endsWith(".gz")),
                mirror.requests.toString());
        until(() -> !cancel.isDisabled() && install.isDisabled() && plan.isDisabled(), 10,
                "the busy state while installing");
        until(() -> progress.getText().contains(" of ") && bar.getProgress() > 0, 20, "the download progress");
        fire(cancel);
        until(() -> progress.getText().startsWith("Cancelled"), 20, "the cancel");
        assertTrue(fx(cancel::isDisabled));
        assertFalse(fx(install::isDisabled), "a cancelled install can be resumed");
        assertFalse(fx(plan::isDisabled));
        Path target = new GpuRuntimes(AppDirs.at(home), new HttpTransfer(), RuntimePlatform.current()).status()
                .installed().stream().map(NativeRuntime::folder).findFirst().orElse(null);
        assertEquals(null, target, "nothing half-installed is recorded");
        assertEquals(chosen, rts.status().selected().map(NativeRuntime::folder).orElse(null),
                "the earlier choice stands");
    }

    private static Node tabHeader(FxRobot robot) {
        // the header TabPaneSkin makes for the tab (it carries the tab's id)
        return robot.lookup(".tab-header-area .tab").match(n -> "settings-device-tab".equals(n.getId())).query();
    }

    private static <T extends Node> T node(FxRobot robot, String query, Class<T> type) throws Exception {
        return fx(() -> robot.lookup(query).queryAs(type));
    }

    private static void fire(Button b) throws Exception {
        fx(() -> {
            b.fire(); // a disabled button ignores it, as it ignores a click
            return null;
        });
    }

    /**
     * A loopback mirror with DJL's layout for the stand-in "cpu" flavor: {@code files.txt}, HEAD sizes (or a size no
     * disk has), and GETs that hold after half a file (and a little more, 400 ms later) until the test ends.
     */
    static final class Mirror implements AutoCloseable {
        final List<String> requests = new CopyOnWriteArrayList<>();
        final CountDownLatch held = new CountDownLatch(1);
        private final CountDownLatch release = new CountDownLatch(1);
        volatile boolean announceHuge;
        private final Map<String, byte[]> files = new LinkedHashMap<>();
        private final HttpServer server;
        private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "device-tab-mirror");
            t.setDaemon(true);
            return t;
        });

        Mirror() throws IOException {
            String classifier = RuntimePlatform.current().classifier();
            Random r = new Random(3);
            for (String base : new String[] {"torch", "torch_cpu", "c10"}) {
                byte[] raw = new byte[200_000];
                r.nextBytes(raw);
                ByteArrayOutputStream bo = new ByteArrayOutputStream();
                try (OutputStream gz = new GZIPOutputStream(bo)) {
                    gz.write(raw);
                }
                files.put("cpu/" + classifier + "/native/lib/" + RuntimePlatform.current().libraryName(base) + ".gz",
                        bo.toByteArray());
            }
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.setExecutor(pool);
            server.createContext("/", this::handle);
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/pytorch";
        }

        private void handle(HttpExchange ex) throws IOException {
            String path = ex.getRequestURI().getPath();
            requests.add(ex.getRequestMethod() + " " + path);
            String rel = path.replaceFirst("^/pytorch/" + RuntimePlatform.PYTORCH_VERSION.replace(".", "\\.") + "/", "");
            try (ex) {
                byte[] body = rel.equals("files.txt")
                        ? ("cu128/win-x86_64/native/lib/torch_cuda.dll.gz\n" + String.join("\n", files.keySet()))
                                .getBytes(StandardCharsets.UTF_8)
                        : files.get(rel);
                if (body == null) {
                    ex.sendResponseHeaders(404, -1);
                    return;
                }
                if (ex.getRequestMethod().equals("HEAD")) {
                    long size = announceHuge && !rel.equals("files.txt") ? 1L << 52 : body.length;
                    ex.getResponseHeaders().add("Content-Length", Long.toString(size));
                    ex.sendResponseHeaders(200, -1);
                    return;
                }
                ex.sendResponseHeaders(200, body.length);
                OutputStream out = ex.getResponseBody();
                if (rel.equals("files.txt")) {
                    out.write(body);
                    return;
                }
                // half the file, then (after the downloader's 200 ms report interval) a little more, then hold
                int half = body.length / 2;
                out.write(body, 0, half);
                out.flush();
                try {
                    Thread.sleep(400);
                    out.write(body, half, 1024);
                    out.flush();
                    held.countDown();
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                out.write(body, half + 1024, body.length - half - 1024);
            } catch (IOException e) {
                // the client went away (the cancel closes the connection)
            }
        }

        @Override
        public void close() {
            release.countDown();
            server.stop(0);
            pool.shutdownNow();
        }
    }
}
