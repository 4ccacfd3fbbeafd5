package dev.restora.app.studio.view;

import dev.restora.app.studio.model.StudioContext;
import dev.restora.core.models.CatalogEntry;
import dev.restora.core.plugins.PipelineRegistry;
import javafx.geometry.Insets;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import javafx.stage.Window;

/** Versions (studio, Java, JavaFX, DJL, PyTorch natives) and the licences of the pipelines' models. */
public final class AboutDialog {
    private final Stage stage;

    public AboutDialog(StudioContext ctx, Window owner) {
        Label title = new Label("Restora Studio");
        title.getStyleClass().add("dialog-title");
        String v = AboutDialog.class.getPackage().getImplementationVersion();
        StringBuilder versions = new StringBuilder();
        versions.append("Version ").append(v == null ? "0.1.0-SNAPSHOT" : v).append('\n');
        versions.append("Java ").append(System.getProperty("java.version")).append(" (")
                .append(System.getProperty("java.vendor")).append(")\n");
        versions.append("JavaFX ").append(System.getProperty("javafx.runtime.version", "?")).append('\n');
        versions.append("DJL ").append(pkgVersion("ai.djl.Device", "0.35.1")).append(" · PyTorch 2.7.1 (CPU natives)\n");
        versions.append("Data folder ").append(ctx.home());
        Label ver = new Label(versions.toString());
        ver.getStyleClass().add("mono");
        StringBuilder lic = new StringBuilder();
        for (PipelineRegistry.Registered r : ctx.registry().all()) {
            lic.append(r.descriptor().displayName()).append(" (").append(r.descriptor().id()).append(", ")
                    .append(r.source()).append(")\n");
            for (CatalogEntry e : r.provider().catalog()) {
                lic.append("  • ").append(e.fileName()).append(": ").append(e.licence() == null ? "—" : e.licence())
                        .append(e.mustAccept() ? " (must be accepted)" : "").append('\n');
            }
            if (r.provider().catalog().isEmpty()) {
                lic.append("  • no downloaded weights\n");
            }
        }
        TextArea licences = new TextArea(lic.toString());
        licences.setEditable(false);
        licences.setWrapText(true);
        Label lh = new Label("MODEL LICENCES");
        lh.getStyleClass().add("section-header");
        VBox root = new VBox(12, title, ver, lh, licences);
        root.setPadding(new Insets(20));
        root.setId("about-dialog");
        stage = Dialogs.window(owner, "About Restora Studio", root, 560, 520, false);
    }

    private static String pkgVersion(String cls, String fallback) {
        try {
            String v = Class.forName(cls).getPackage().getImplementationVersion();
            return v == null ? fallback : v;
        } catch (ClassNotFoundException e) {
            return fallback;
        }
    }

    public void show() {
        stage.show();
    }
}
