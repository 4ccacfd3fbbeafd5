package dev.restora.app.studio.view;

import javafx.scene.Node;
import javafx.scene.shape.SVGPath;

/** Icons as SVG paths on a 24-unit grid (Material-style outlines, drawn here; nothing is downloaded). */
public final class Icons {
    public static final String OPEN = "M10 4H4c-1.1 0-2 .9-2 2v12c0 1.1.9 2 2 2h16c1.1 0 2-.9 2-2V8c0-1.1-.9-2-2-2h-8l-2-2z";
    public static final String PLAY = "M8 5v14l11-7z";
    public static final String STOP = "M6 6h12v12H6z";
    public static final String PAUSE = "M6 19h4V5H6v14zm8-14v14h4V5h-4z";
    public static final String FLAG = "M14.4 6L14 4H5v17h2v-7h5.6l.4 2h7V6z";
    public static final String SAVE = "M17 3H5c-1.1 0-2 .9-2 2v14c0 1.1.9 2 2 2h14c1.1 0 2-.9 2-2V7l-4-4zm-5 16c-1.66 0-3-1.34-3-3"
            + "s1.34-3 3-3 3 1.34 3 3-1.34 3-3 3zm3-10H5V5h10v4z";
    public static final String BATCH = "M4 6H2v14c0 1.1.9 2 2 2h14v-2H4V6zm16-4H8c-1.1 0-2 .9-2 2v12c0 1.1.9 2 2 2h12c1.1 0 "
            + "2-.9 2-2V4c0-1.1-.9-2-2-2zm-1 9H9V9h10v2zm-4 4H9v-2h6v2zm4-8H9V5h10v2z";
    public static final String MODELS = "M12 2L2 7l10 5 10-5-10-5zM2 17l10 5 10-5M2 12l10 5 10-5";
    public static final String SETTINGS = "M19.4 13a7.5 7.5 0 0 0 0-2l2.1-1.6-2-3.5-2.5 1a7.3 7.3 0 0 0-1.7-1L15 3h-4l-.4 2.6"
            + "a7.3 7.3 0 0 0-1.7 1l-2.5-1-2 3.5L6.6 11a7.5 7.5 0 0 0 0 2l-2.1 1.6 2 3.5 2.5-1c.5.4 1.1.8 1.7 1L11 21h4l.4-2.6"
            + "c.6-.2 1.2-.6 1.7-1l2.5 1 2-3.5L19.4 13zM13 15.5a3.5 3.5 0 1 1 0-7 3.5 3.5 0 0 1 0 7z";
    public static final String IMAGE = "M21 19V5c0-1.1-.9-2-2-2H5c-1.1 0-2 .9-2 2v14c0 1.1.9 2 2 2h14c1.1 0 2-.9 2-2zM8.5 "
            + "13.5l2.5 3 3.5-4.5 4.5 6H5l3.5-4.5z";
    public static final String WAVE = "M3 10h2v4H3zM7 6h2v12H7zM11 3h2v18h-2zM15 7h2v10h-2zM19 10h2v4h-2z";
    public static final String DICE = "M5 3h14a2 2 0 0 1 2 2v14a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm2.5 3a1.5 1.5 0 "
            + "1 0 0 3 1.5 1.5 0 0 0 0-3zm9 9a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zm-4.5-4.5a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3z";
    public static final String UP = "M7 14l5-5 5 5z";
    public static final String DOWN = "M7 10l5 5 5-5z";
    public static final String CLOSE = "M19 6.4L17.6 5 12 10.6 6.4 5 5 6.4 10.6 12 5 17.6 6.4 19 12 13.4 17.6 19 19 17.6 13.4 12z";
    public static final String FIT = "M3 5v4h2V5h4V3H5c-1.1 0-2 .9-2 2zm2 10H3v4c0 1.1.9 2 2 2h4v-2H5v-4zm14 4h-4v2h4c1.1 0 "
            + "2-.9 2-2v-4h-2v4zm0-16h-4v2h4v4h2V5c0-1.1-.9-2-2-2z";
    public static final String SPLIT = "M11 2h2v20h-2zM3 5h6v14H3zM15 5h6v14h-6z";
    public static final String WARN = "M1 21h22L12 2 1 21zm12-3h-2v-2h2v2zm0-4h-2v-4h2v4z";

    private Icons() {
    }

    /** An icon node of about {@code size} pixels, coloured by the {@code icon} style class. */
    public static Node of(String path, double size) {
        SVGPath p = new SVGPath();
        p.setContent(path);
        p.getStyleClass().add("icon");
        double s = size / 24.0;
        p.setScaleX(s);
        p.setScaleY(s);
        javafx.scene.Group g = new javafx.scene.Group(p);
        return g;
    }
}
