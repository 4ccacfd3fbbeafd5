package dev.restora.app.studio.model;

/**
 * Zoom and pan of a picture in a view, shared by both sides of the before/after comparison so they stay in step:
 * a view point is {@code content * scale + translate}. Pure math, tested without the toolkit.
 */
public final class Viewport {
    public static final double MIN_SCALE = 1.0 / 64;
    public static final double MAX_SCALE = 64;

    private double contentWidth = 1;
    private double contentHeight = 1;
    private double viewWidth = 1;
    private double viewHeight = 1;
    private double scale = 1;
    private double tx;
    private double ty;
    private boolean fitted = true;

    public double scale() {
        return scale;
    }

    public double tx() {
        return tx;
    }

    public double ty() {
        return ty;
    }

    public double contentWidth() {
        return contentWidth;
    }

    public double contentHeight() {
        return contentHeight;
    }

    /** Whether the view follows "fit" (re-fits when the view or content size changes). */
    public boolean isFitted() {
        return fitted;
    }

    public void setContent(double w, double h) {
        boolean changed = w != contentWidth || h != contentHeight;
        contentWidth = Math.max(1, w);
        contentHeight = Math.max(1, h);
        if (fitted || changed && fitted) {
            fit();
        }
    }

    public void setView(double w, double h) {
        double cx = (viewWidth / 2 - tx) / scale;
        double cy = (viewHeight / 2 - ty) / scale;
        viewWidth = Math.max(1, w);
        viewHeight = Math.max(1, h);
        if (fitted) {
            fit();
        } else {
            // keep the content point at the centre
            tx = viewWidth / 2 - cx * scale;
            ty = viewHeight / 2 - cy * scale;
        }
    }

    /** The whole picture in view, centred. */
    public void fit() {
        fitted = true;
        scale = Math.max(MIN_SCALE, Math.min(MAX_SCALE, Math.min(viewWidth / contentWidth,
                viewHeight / contentHeight)));
        tx = (viewWidth - contentWidth * scale) / 2;
        ty = (viewHeight - contentHeight * scale) / 2;
    }

    /** One content pixel per view pixel, keeping the centre. */
    public void oneToOne() {
        zoomAt(1 / scale, viewWidth / 2, viewHeight / 2);
    }

    /** Multiplies the scale by {@code factor} keeping the content point under (vx, vy) in place. */
    public void zoomAt(double factor, double vx, double vy) {
        double s = Math.max(MIN_SCALE, Math.min(MAX_SCALE, scale * factor));
        double cx = (vx - tx) / scale;
        double cy = (vy - ty) / scale;
        scale = s;
        tx = vx - cx * s;
        ty = vy - cy * s;
        fitted = false;
    }

    public void pan(double dx, double dy) {
        tx += dx;
        ty += dy;
        fitted = false;
    }

    /** The content x under view x. */
    public double toContentX(double vx) {
        return (vx - tx) / scale;
    }

    public double toContentY(double vy) {
        return (vy - ty) / scale;
    }

    public double toViewX(double cx) {
        return cx * scale + tx;
    }

    public double toViewY(double cy) {
        return cy * scale + ty;
    }
}
