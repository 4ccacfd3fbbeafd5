package dev.restora.app.studio.view;

import dev.restora.app.studio.model.QueueModel;
import dev.restora.core.jobs.Job;
import dev.restora.core.jobs.JobState;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.Tooltip;
import javafx.scene.input.ClipboardContent;
import javafx.scene.input.DataFormat;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/**
 * Every job of the session with its state, progress and time; move queued jobs up and down (or drag them), pause
 * the queue, cancel one or all. Shows the row snapshots the {@link QueueModel} publishes when jobs change (one per UI
 * turn however many changes came); no polling.
 */
public final class QueuePanel extends VBox {
    private static final DataFormat JOB_INDEX = new DataFormat("application/x-restora-job-row");
    private final QueueModel queue;
    private final TableView<QueueModel.Row> table = new TableView<>();
    private final ToggleButton pause = new ToggleButton("Pause queue");
    private final Label summary = new Label();

    public QueuePanel(QueueModel queue) {
        this.queue = queue;
        getStyleClass().add("queue-panel");
        setId("queue-panel");
        table.setId("queue-table");
        table.setPlaceholder(new Label("No jobs yet. Run a pipeline or start a batch."));
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        TableColumn<QueueModel.Row, String> job = new TableColumn<>("Job");
        job.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue().title()));
        job.setPrefWidth(420);
        TableColumn<QueueModel.Row, String> state = new TableColumn<>("State");
        state.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue().stateText()));
        state.setCellFactory(c -> new StateCell());
        state.setPrefWidth(110);
        TableColumn<QueueModel.Row, QueueModel.Row> prog = new TableColumn<>("Progress");
        prog.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue()));
        prog.setCellFactory(c -> new ProgressCell());
        prog.setPrefWidth(180);
        TableColumn<QueueModel.Row, String> time = new TableColumn<>("Time");
        time.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue().timeText()));
        time.setPrefWidth(90);
        TableColumn<QueueModel.Row, String> lane = new TableColumn<>("Device");
        lane.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue().lane()));
        lane.setPrefWidth(70);
        table.getColumns().add(job);
        table.getColumns().add(state);
        table.getColumns().add(prog);
        table.getColumns().add(time);
        table.getColumns().add(lane);
        table.setRowFactory(t -> dragRow());
        VBox.setVgrow(table, Priority.ALWAYS);

        Button up = iconButton(Icons.UP, "Move up", () -> selected(queue::moveUp));
        Button down = iconButton(Icons.DOWN, "Move down", () -> selected(queue::moveDown));
        Button cancel = new Button("Cancel");
        cancel.setId("queue-cancel");
        cancel.setOnAction(e -> selected(queue::cancel));
        Button cancelAll = new Button("Cancel all");
        cancelAll.setId("queue-cancel-all");
        cancelAll.setOnAction(e -> queue.cancelAll());
        Button clear = new Button("Clear finished");
        clear.setOnAction(e -> queue.clearFinished());
        pause.setId("queue-pause");
        pause.setGraphic(Icons.of(Icons.PAUSE, 12));
        pause.setOnAction(e -> queue.setPaused(pause.isSelected()));
        Label title = new Label("Queue");
        title.getStyleClass().add("panel-title");
        summary.getStyleClass().add("muted");
        Region grow = new Region();
        HBox.setHgrow(grow, Priority.ALWAYS);
        HBox bar = new HBox(6, title, summary, grow, pause, up, down, cancel, cancelAll, clear);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.getStyleClass().add("panel-bar");
        getChildren().addAll(bar, table);

        queue.rows().listen(rows -> {
            QueueModel.Row sel = table.getSelectionModel().getSelectedItem();
            table.getItems().setAll(rows);
            if (sel != null) {
                rows.stream().filter(r -> r.job() == sel.job()).findFirst()
                        .ifPresent(r -> table.getSelectionModel().select(r));
            }
            long running = rows.stream().filter(r -> r.state() == JobState.RUNNING).count();
            long queued = rows.stream().filter(r -> r.state() == JobState.QUEUED).count();
            summary.setText(running + " running · " + queued + " waiting");
        });
        queue.paused().listen(p -> {
            pause.setSelected(Boolean.TRUE.equals(p));
            pause.setText(Boolean.TRUE.equals(p) ? "Resume queue" : "Pause queue");
            pause.setGraphic(Icons.of(Boolean.TRUE.equals(p) ? Icons.PLAY : Icons.PAUSE, 12));
        });
    }

    public TableView<QueueModel.Row> table() {
        return table;
    }

    private void selected(java.util.function.Consumer<Job<?>> action) {
        QueueModel.Row r = table.getSelectionModel().getSelectedItem();
        if (r != null) {
            action.accept(r.job());
        }
    }

    private static Button iconButton(String icon, String tip, Runnable action) {
        Button b = new Button();
        b.setGraphic(Icons.of(icon, 16));
        b.setTooltip(new Tooltip(tip));
        b.getStyleClass().add("icon-button");
        b.setOnAction(e -> action.run());
        return b;
    }

    /** Rows of queued jobs can be dragged onto another queued row to reorder. */
    private TableRow<QueueModel.Row> dragRow() {
        TableRow<QueueModel.Row> row = new TableRow<>();
        row.setOnDragDetected(e -> {
            if (row.getItem() != null && row.getItem().state() == JobState.QUEUED) {
                var db = row.startDragAndDrop(TransferMode.MOVE);
                ClipboardContent cc = new ClipboardContent();
                cc.put(JOB_INDEX, row.getIndex());
                db.setContent(cc);
                e.consume();
            }
        });
        row.setOnDragOver(e -> {
            if (e.getDragboard().hasContent(JOB_INDEX)) {
                e.acceptTransferModes(TransferMode.MOVE);
            }
        });
        row.setOnDragDropped(e -> {
            Object from = e.getDragboard().getContent(JOB_INDEX);
            if (from instanceof Integer i && row.getItem() != null) {
                java.util.List<Job<?>> order = new java.util.ArrayList<>();
                for (QueueModel.Row r : table.getItems()) {
                    if (r.state() == JobState.QUEUED) {
                        order.add(r.job());
                    }
                }
                Job<?> moved = table.getItems().get(i).job();
                order.remove(moved);
                int at = order.indexOf(row.getItem().job());
                order.add(at < 0 ? order.size() : at, moved);
                queue.reorder(order);
                e.setDropCompleted(true);
            }
        });
        return row;
    }

    private static final class StateCell extends TableCell<QueueModel.Row, String> {
        @Override
        protected void updateItem(String s, boolean empty) {
            super.updateItem(s, empty);
            getStyleClass().removeIf(c -> c.startsWith("state-"));
            if (empty || s == null) {
                setText(null);
                return;
            }
            setText(s);
            getStyleClass().add("state-" + s.replace(' ', '-'));
        }
    }

    private static final class ProgressCell extends TableCell<QueueModel.Row, QueueModel.Row> {
        private final ProgressBar bar = new ProgressBar();

        ProgressCell() {
            bar.setMaxWidth(Double.MAX_VALUE);
        }

        @Override
        protected void updateItem(QueueModel.Row r, boolean empty) {
            super.updateItem(r, empty);
            if (empty || r == null) {
                setGraphic(null);
                return;
            }
            bar.setProgress(r.state() == JobState.RUNNING && !r.stepping() ? ProgressBar.INDETERMINATE_PROGRESS
                    : r.fraction());
            setGraphic(bar);
        }
    }
}
