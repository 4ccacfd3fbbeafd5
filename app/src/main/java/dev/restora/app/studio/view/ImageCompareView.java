package dev.restora.app.studio.view;

import dev.restora.app.studio.model.Viewport;
import javafx.geometry.VPos;
import javafx.scene.Cursor;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.image.Image;
import javafx.scene.input.MouseButton;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.TextAlignment;

/**
 * Before/after comparison of two pictures: a split view with a draggable divider, side by side, or the after picture
 * alone (the live preview while a run goes on). Both sides share one {@link Viewport}, so zoom (mouse wheel, at the
 * cursor), pan (drag), 1:1 and fit stay synchronised. The pictures may differ in size (an upscaler's input and
 * output): both are drawn over the same content rectangle.
 */
public final class ImageCompareView extends Region {
    /** How the two pictures are shown. */
    public enum Mode { SPLIT, SIDE_BY_SIDE, SINGLE }

    private final Canvas canvas = new Canvas();
    private final Viewport viewport = new Viewport();
    private Image before;
    private Image after;
    private String beforeLabel = "Before";
    private String afterLabel = "After";
    private double divider = 0.5;
    private Mode mode = Mode.SPLIT;
    private double contentW;
    private double contentH;
    private boolean draggingDivider;
    private double lastX;
    private double lastY;
    private Color background = Color.web("#1b1d22");
    private java.util.function.Consumer<Mode> onMode = m -> { };

    public ImageCompareView() {
        getStyleClass().add("compare-view");
        getChildren().add(canvas);
        setMinSize(100, 100);
        canvas.setOnScroll(e -> {
            double f = Math.exp(e.getDeltaY() * 0.0025);
            viewport.zoomAt(f, localX(e.getX()), e.getY());
            redraw();
            e.consume();
        });
        canvas.setOnMousePressed(e -> {
            lastX = e.getX();
            lastY = e.getY();
            draggingDivider = mode == Mode.SPLIT && after != null && before != null
                    && Math.abs(e.getX() - divider * getWidth()) < 10;
        });
        canvas.setOnMouseDragged(e -> {
            if (draggingDivider) {
                setDivider(e.getX() / Math.max(1, getWidth()));
            } else if (e.getButton() == MouseButton.PRIMARY || e.getButton() == MouseButton.MIDDLE) {
                viewport.pan(e.getX() - lastX, e.getY() - lastY);
                redraw();
            }
            lastX = e.getX();
            lastY = e.getY();
        });
        canvas.setOnMouseReleased(e -> draggingDivider = false);
        canvas.setOnMouseMoved(e -> canvas.setCursor(mode == Mode.SPLIT && after != null && before != null
                && Math.abs(e.getX() - divider * getWidth()) < 10 ? Cursor.H_RESIZE : Cursor.DEFAULT));
        canvas.setOnMouseClicked(e -> {
            if (e.getClickCount() == 2) {
                fit();
            }
        });
    }

    private double localX(double x) {
        if (mode == Mode.SIDE_BY_SIDE) {
            double half = getWidth() / 2;
            return x >= half ? x - half : x;
        }
        return x;
    }

    public Viewport viewport() {
        return viewport;
    }

    public Canvas canvas() {
        return canvas;
    }

    public void setBackground(Color c) {
        background = c;
        redraw();
    }

    public void setBefore(Image img, String label) {
        before = img;
        beforeLabel = label;
        updateContent();
    }

    public void setAfter(Image img, String label) {
        after = img;
        afterLabel = label;
        updateContent();
    }

    public Image before() {
        return before;
    }

    public Image after() {
        return after;
    }

    /** The size both pictures are drawn at (in content pixels), e.g. the output size of an upscaler. */
    public void setContentSize(double w, double h) {
        contentW = w;
        contentH = h;
        updateContent();
    }

    private void updateContent() {
        double w = contentW;
        double h = contentH;
        if (w <= 0) {
            Image ref = after != null ? after : before;
            if (ref == null) {
                redraw();
                return;
            }
            w = ref.getWidth();
            h = ref.getHeight();
        }
        viewport.setContent(w, h);
        redraw();
    }

    public Mode mode() {
        return mode;
    }

    /** Called after every mode change (the toolbar's toggles follow it). */
    public void setOnModeChanged(java.util.function.Consumer<Mode> c) {
        onMode = c;
    }

    public void setMode(Mode m) {
        mode = m;
        onMode.accept(m);
        requestLayout();
        layoutChildren();
    }

    public double divider() {
        return divider;
    }

    public void setDivider(double fraction) {
        divider = Math.max(0, Math.min(1, fraction));
        redraw();
    }

    public void fit() {
        viewport.fit();
        redraw();
    }

    public void oneToOne() {
        viewport.oneToOne();
        redraw();
    }

    public void zoom(double factor) {
        double w = mode == Mode.SIDE_BY_SIDE ? getWidth() / 2 : getWidth();
        viewport.zoomAt(factor, w / 2, getHeight() / 2);
        redraw();
    }

    @Override
    protected void layoutChildren() {
        double w = getWidth();
        double h = getHeight();
        canvas.setWidth(w);
        canvas.setHeight(h);
        viewport.setView(mode == Mode.SIDE_BY_SIDE ? w / 2 : w, h);
        redraw();
    }

    /** Paints the canvas (UI thread). */
    public void redraw() {
        GraphicsContext g = canvas.getGraphicsContext2D();
        double w = canvas.getWidth();
        double h = canvas.getHeight();
        g.setFill(background);
        g.fillRect(0, 0, w, h);
        g.setImageSmoothing(viewport.scale() < 2);
        switch (mode) {
            case SINGLE -> {
                Image img = after != null ? after : before;
                draw(g, img, 0, 0, w, h, 0);
                label(g, after != null ? afterLabel : beforeLabel, w - 12, TextAlignment.RIGHT);
            }
            case SIDE_BY_SIDE -> {
                double half = w / 2;
                draw(g, before, 0, 0, half, h, 0);
                draw(g, after, half, 0, w - half, h, half);
                g.setStroke(Color.gray(0.5, 0.6));
                g.strokeLine(half, 0, half, h);
                label(g, beforeLabel, 12, TextAlignment.LEFT);
                label(g, after != null ? afterLabel : "", w - 12, TextAlignment.RIGHT);
            }
            case SPLIT -> {
                if (after == null || before == null) {
                    Image img = after != null ? after : before;
                    draw(g, img, 0, 0, w, h, 0);
                    label(g, after != null ? afterLabel : beforeLabel, 12, TextAlignment.LEFT);
                    return;
                }
                double dx = divider * w;
                draw(g, before, 0, 0, dx, h, 0);
                draw(g, after, dx, 0, w - dx, h, 0);
                g.setStroke(Color.WHITE);
                g.setLineWidth(2);
                g.strokeLine(dx, 0, dx, h);
                g.setFill(Color.WHITE);
                g.fillOval(dx - 9, h / 2 - 9, 18, 18);
                g.setFill(Color.web("#3b82f6"));
                g.fillPolygon(new double[] {dx - 2, dx - 6, dx - 2}, new double[] {h / 2 - 4, h / 2, h / 2 + 4}, 3);
                g.fillPolygon(new double[] {dx + 2, dx + 6, dx + 2}, new double[] {h / 2 - 4, h / 2, h / 2 + 4}, 3);
                g.setLineWidth(1);
                label(g, beforeLabel, 12, TextAlignment.LEFT);
                label(g, afterLabel, w - 12, TextAlignment.RIGHT);
            }
            default -> { }
        }
    }

    /** Draws {@code img} over the content rectangle, clipped to the view area [x, x + cw) shifted by {@code origin}. */
    private void draw(GraphicsContext g, Image img, double x, double y, double cw, double ch, double origin) {
        if (img == null || cw <= 0) {
            return;
        }
        g.save();
        g.beginPath();
        g.rect(x, y, cw, ch);
        g.closePath();
        g.clip();
        double s = viewport.scale();
        g.drawImage(img, origin + viewport.tx(), viewport.ty(), viewport.contentWidth() * s,
                viewport.contentHeight() * s);
        g.restore();
    }

    private void label(GraphicsContext g, String text, double x, TextAlignment align) {
        if (text == null || text.isEmpty()) {
            return;
        }
        g.setFont(Font.font(12));
        g.setTextAlign(align);
        g.setTextBaseline(VPos.TOP);
        double tw = text.length() * 7 + 14;
        double bx = align == TextAlignment.RIGHT ? x - tw + 7 : x - 7;
        g.setFill(Color.rgb(0, 0, 0, 0.55));
        g.fillRoundRect(bx, 10, tw, 22, 11, 11);
        g.setFill(Color.WHITE);
        g.fillText(text, x, 14);
    }
}
