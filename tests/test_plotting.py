"""Tests for skseq.plotting: what is drawn is the data it was given."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from _instances import macro_f1_stopped_lstm
from sklearn.metrics import (
    ConfusionMatrixDisplay,
    balanced_accuracy_score,
    confusion_matrix,
    f1_score,
    precision_recall_curve,
    precision_score,
    recall_score,
)
from sklearn.metrics import PrecisionRecallDisplay as SklearnPRDisplay
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

from skseq.classifiers import AttentionLSTMClassifier, LSTMClassifier
from skseq.datasets import load_dataset, load_mitdb
from skseq.inspection import permutation_importance
from skseq.plotting import (
    AttentionDisplay,
    ConfusionDisplay,
    HistoryDisplay,
    ImportanceDisplay,
    PrecisionRecallDisplay,
    RecordingDisplay,
    plot_attention,
    plot_confusion,
    plot_history,
    plot_precision_recall,
    plot_recording,
)
from skseq.transformers import Normalizer


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def italy(italy_train):
    return italy_train


@pytest.fixture(scope="module")
def stopped_net(italy):
    """A net trained with early stopping on macro-F1 (restores its best epoch)."""
    X, y = italy
    net = macro_f1_stopped_lstm(max_epochs=6, patience=20, lr=0.03, n_threads=1)
    return net.fit(X, y)


def _attention_lstm(size, max_epochs):
    """An AttentionLSTMClassifier ``size`` units wide (seed 0, one thread)."""
    return AttentionLSTMClassifier(
        module__hidden_size=size,
        module__attention_size=size,
        max_epochs=max_epochs,
        random_state=0,
        n_threads=1,
    )


@pytest.fixture(scope="module")
def vowels_clf(vowels_train):
    X, y = vowels_train
    clf = _attention_lstm(size=8, max_epochs=2).fit(X, y)
    return X, y, clf


@pytest.fixture(scope="module")
def vowels_attention(vowels_clf):
    X, y, clf = vowels_clf
    return X, y, clf.attention_weights(X)


def _line(ax, label):
    (line,) = [ln for ln in ax.get_lines() if ln.get_label() == label]
    return line


# ----------------------------------------------------------------- history
def test_history_curves_are_the_history(stopped_net):
    history = stopped_net.history_
    loss_ax, score_ax = plot_history(stopped_net)
    epochs = history[:, "epoch"]
    for key in ("train_loss", "valid_loss"):
        line = _line(loss_ax, key)
        np.testing.assert_array_equal(line.get_xdata(), epochs)
        np.testing.assert_allclose(line.get_ydata(), history[:, key])
    np.testing.assert_allclose(
        _line(score_ax, "valid_f1_macro").get_ydata(), history[:, "valid_f1_macro"]
    )
    # training solid, validation dashed, one colour per quantity
    assert _line(loss_ax, "train_loss").get_linestyle() == "-"
    assert _line(loss_ax, "valid_loss").get_linestyle() == "--"
    assert (
        _line(loss_ax, "train_loss").get_color()
        == _line(loss_ax, "valid_loss").get_color()
    )


def test_history_marks_the_epoch_early_stopping_restored(stopped_net):
    history = stopped_net.history_
    scores = np.array(history[:, "valid_f1_macro"])
    best = history[:, "epoch"][int(np.argmax(scores))]
    loss_ax, _ = plot_history(stopped_net)
    marker = _line(loss_ax, "best valid_f1_macro (restored)")
    assert set(marker.get_xdata()) == {best}


def test_history_metric_selection_and_errors(stopped_net):
    (_, score_ax) = plot_history(stopped_net, metrics="f1_macro")
    labels = [ln.get_label() for ln in score_ax.get_lines()]
    assert "valid_f1_macro" in labels and "valid_acc" not in labels
    (only_loss,) = plot_history(stopped_net, metrics=[])
    assert {ln.get_label() for ln in only_loss.get_lines()} >= {"train_loss"}
    with pytest.raises(ValueError, match=r"'recall' is not in the history.*train_loss"):
        plot_history(stopped_net, metrics="recall")
    with pytest.raises(ValueError, match="no training history"):
        plot_history(LSTMClassifier())


def test_history_finds_the_net_in_pipelines_searches_and_histories(italy):
    X, y = italy
    clf = LSTMClassifier(module__hidden_size=4, max_epochs=2, random_state=0)
    pipe = make_pipeline(Normalizer(), clf).fit(X[:60], y[:60])
    search = GridSearchCV(pipe, {"lstmclassifier__lr": [0.01]}, cv=2).fit(
        X[:60], y[:60]
    )
    net = pipe[-1]
    for source in (pipe, search, net.history_, list(net.history_)):
        (ax,) = plot_history(source)
        assert len(_line(ax, "train_loss").get_ydata()) == 2


def test_history_marks_the_restored_training_epoch():
    # the best-training-epoch restore records restored_epoch in the last row
    rows = [
        {"epoch": 1, "train_loss": 0.9, "dur": 0.1},
        {"epoch": 2, "train_loss": 0.4, "dur": 0.1},
        {"epoch": 3, "train_loss": 0.6, "dur": 0.1, "restored_epoch": 2},
    ]
    (ax,) = plot_history(rows)
    marks = [line for line in ax.get_lines() if line.get_linestyle() == ":"]
    assert len(marks) == 1 and list(marks[0].get_xdata()) == [2, 2]
    assert "best train_loss (restored)" in [
        t.get_text() for t in ax.get_legend().get_texts()
    ]
    # restored_epoch is bookkeeping, not a curve; the last epoch is not marked
    rows[-1]["restored_epoch"] = 3
    (ax,) = plot_history(rows)
    assert not [line for line in ax.get_lines() if line.get_linestyle() == ":"]
    assert "restored_epoch" not in [line.get_label() for line in ax.get_lines()]


def test_history_on_given_axes(stopped_net):
    fig, ax = plt.subplots()
    axes = plot_history(stopped_net, ax=ax)
    assert axes[0] is ax and axes[1] is not ax and len(fig.axes) == 2  # a twin
    # one legend for both y-axes
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "train_loss" in texts and "valid_f1_macro" in texts
    fig, pair = plt.subplots(1, 2)
    axes = plot_history(stopped_net, ax=pair)
    assert list(axes) == list(pair) and len(fig.axes) == 2
    with pytest.raises(ValueError, match="one Axes or two"):
        plot_history(stopped_net, ax=plt.subplots(1, 3)[1])


# --------------------------------------------------------------- confusion
def test_confusion_shows_counts_and_title_scores():
    y_true = np.array(["a", "a", "b", "b", "c", "c", "c"])
    y_pred = np.array(["a", "b", "b", "b", "c", "a", "c"])
    ax = plot_confusion(y_true, y_pred)
    image = ax.get_images()[0].get_array()
    np.testing.assert_array_equal(image, confusion_matrix(y_true, y_pred))
    f1 = f1_score(y_true, y_pred, average="macro")
    bacc = balanced_accuracy_score(y_true, y_pred)
    assert ax.get_title() == f"macro-F1 {f1:.3f}, balanced accuracy {bacc:.3f}"
    ax = plot_confusion(y_true, y_pred, normalize="true", title="t")
    np.testing.assert_allclose(ax.get_images()[0].get_array().sum(axis=1), 1.0)
    assert ax.get_title() == "t"


# --------------------------------------------------------------- attention
def test_attention_image_is_weight_times_length(vowels_attention):
    X, y, weights = vowels_attention
    lengths = X.shape[2] - np.isnan(X[:, 0]).sum(axis=1)
    assert len(np.unique(lengths)) > 1  # the point: unequal lengths
    rows = [0, 5, 9]
    ax = plot_attention(X, weights, instances=rows, labels=y)
    image = ax.get_images()[0].get_array()
    for r, i in enumerate(rows):
        n = int(lengths[i])
        np.testing.assert_allclose(image[r, :n], weights[i, :n] * n)
        assert image.mask[r, n:].all()  # padding left blank
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        f"#{i} ({y[i]})" for i in rows
    ]
    # every channel of every series drawn, over its observed steps only
    assert len(ax.get_lines()) == len(rows) * X.shape[1]
    assert len(ax.get_lines()[0].get_xdata()) == lengths[0]


def test_attention_default_instances_and_errors(vowels_attention):
    X, _, weights = vowels_attention
    ax = plot_attention(X, weights, n_instances=2, channels=[0])
    assert len(ax.get_yticklabels()) == 2 and len(ax.get_lines()) == 2
    with pytest.raises(ValueError, match="one row of weights per series"):
        plot_attention(X, weights[:-1])
    with pytest.raises(ValueError, match="instances must be"):
        plot_attention(X, weights, instances=[len(X)])
    with pytest.raises(ValueError, match="channels must be"):
        plot_attention(X, weights, channels=[12])
    with pytest.raises(ValueError, match="labels has 3 entries"):
        plot_attention(X, weights, labels=["a", "b", "c"])


# --------------------------------------------------------------- recording
def test_recording_spans_are_the_events():
    recording, labels = load_mitdb()
    y_pred = np.zeros_like(labels)
    y_pred[[100, 101, 5000, 6950, 6951, 6952]] = 1  # three predicted runs
    proba = np.linspace(0, 1, labels.size)
    ax = plot_recording(recording, labels, y_pred, proba=proba, threshold=0.7)
    events = np.flatnonzero(np.diff(labels)) + 1  # the one abnormal episode
    spans = [p for p in ax.patches if p.get_label() == "true 1"]
    assert len(spans) == 1
    (x0, x1) = spans[0].get_x(), spans[0].get_x() + spans[0].get_width()
    assert (x0, x1) == (events[0] - 0.5, events[1] - 0.5)
    predicted = [p for p in ax.patches if p.get_label() in ("predicted 1", None)]
    bars = [p for p in ax.patches if p not in spans]
    assert len(bars) == 3 and predicted
    twin = [a for a in ax.figure.axes if a is not ax][0]
    np.testing.assert_allclose(_line(twin, "P(event)").get_ydata(), proba)
    assert _line(twin, "threshold 0.70").get_ydata()[0] == 0.7


def test_recording_multiclass_background_and_columns():
    y = np.array(["idle"] * 50 + ["walk"] * 20 + ["idle"] * 20 + ["run"] * 10)
    proba = np.tile([0.2, 0.5, 0.3], (100, 1))  # columns: idle, run, walk
    ax = plot_recording(np.sin(np.arange(100.0)), y, proba=proba)
    twin = [a for a in ax.figure.axes if a is not ax][0]
    assert sorted(ln.get_label() for ln in twin.get_lines()) == ["P(run)", "P(walk)"]
    np.testing.assert_allclose(_line(twin, "P(walk)").get_ydata(), 0.3)
    labels = {p.get_label() for p in ax.patches} - {None, "_nolegend_"}
    assert {"true run", "true walk"} <= labels and "true idle" not in labels


def test_recording_errors():
    with pytest.raises(ValueError, match="y_true has 9 entries"):
        plot_recording(np.zeros(10), np.zeros(9))
    with pytest.raises(ValueError, match="proba has shape"):
        plot_recording(np.zeros(10), proba=np.zeros(11))
    with pytest.raises(ValueError, match="recording must be 1-D"):
        plot_recording(np.zeros((2, 2, 5)))


# -------------------------------------------------------- precision-recall
def _marker(ax, prefix):
    (line,) = [ln for ln in ax.get_lines() if ln.get_label().startswith(prefix)]
    return float(line.get_xdata()[0]), float(line.get_ydata()[0])


def test_precision_recall_marks_the_threshold_point():
    rng = np.random.default_rng(0)
    y = np.where(rng.random(300) < 0.15, "event", "normal")
    scores = np.clip((y == "event") * 0.35 + rng.random(300) * 0.7, 0, 1)
    proba = np.column_stack([scores, 1 - scores])  # columns: event, normal
    ax = plot_precision_recall(y, proba, threshold=0.4, pos_label="event")
    pred = scores >= 0.4
    recall, precision = _marker(ax, "threshold 0.40")
    assert precision == pytest.approx(precision_score(y == "event", pred))
    assert recall == pytest.approx(recall_score(y == "event", pred))
    r5, p5 = _marker(ax, "threshold 0.50")  # the default, for comparison
    assert r5 == pytest.approx(recall_score(y == "event", scores >= 0.5))
    assert ax.get_xlabel() == "Recall of class event"


def test_precision_recall_multiclass_decisions():
    X, y = load_dataset("ArrowHead", split="train")
    rng = np.random.default_rng(1)
    proba = rng.dirichlet(np.ones(3), size=len(y))
    argmax = np.array(["0", "1", "2"])[proba.argmax(axis=1)]
    ax = plot_precision_recall(
        y,
        proba,
        pos_label="2",
        y_pred={"argmax": argmax, "all 2": np.full(len(y), "2")},
        default_threshold=None,
    )
    recall, precision = _marker(ax, "argmax")
    assert precision == pytest.approx(
        precision_score(y, argmax, labels=["2"], average="macro")
    )
    assert recall == pytest.approx(
        recall_score(y, argmax, labels=["2"], average="macro")
    )
    assert _marker(ax, "all 2") == pytest.approx((1.0, np.mean(y == "2")))
    assert not [ln for ln in ax.get_lines() if "threshold" in ln.get_label()]
    with pytest.raises(ValueError, match="pass pos_label"):
        plot_precision_recall(y, proba)
    with pytest.raises(ValueError, match="pos_label='7' is not in y_true"):
        plot_precision_recall(y, proba, pos_label="7")
    with pytest.raises(ValueError, match="2 columns but y_true has 3 classes"):
        plot_precision_recall(y, proba[:, :2], pos_label="2")


# ------------------------------------------------------------ display API
# Every display computes in a classmethod (attributes), draws in plot(ax=...)
# (artists ending in _), and can draw again on other Axes without recomputing.
def _redraw(display, **kwargs):
    """Draw ``display`` again on a new Axes; that Axes, checked to be ``ax_``."""
    _, ax = plt.subplots()
    assert display.plot(ax=ax, **kwargs) is display
    assert display.ax_ is ax and display.figure_ is ax.figure
    return ax


def test_history_display_attributes_and_redraw(stopped_net):
    history = stopped_net.history_
    display = HistoryDisplay.from_estimator(stopped_net)
    np.testing.assert_array_equal(display.epochs, history[:, "epoch"])
    np.testing.assert_allclose(display.curves["valid_loss"], history[:, "valid_loss"])
    assert display.best_monitor == "valid_f1_macro" and display.name == "LSTMClassifier"
    best = history[:, "epoch"][int(np.argmax(history[:, "valid_f1_macro"]))]
    assert display.best_epoch == best
    assert display.lines_["valid_f1_macro"].axes is display.axes_[1]
    assert len(display.best_lines_) == 2 and display.ax_ is display.axes_[0]
    ax = _redraw(display)  # one Axes: scores on its twin
    assert display.lines_["train_loss"].axes is ax
    assert display.lines_["valid_acc"].axes is display.axes_[1] is not ax
    rows = HistoryDisplay.from_history(history, metrics=[])
    assert list(rows.curves) == ["train_loss", "valid_loss"] and rows.name == "net"
    with pytest.raises(ValueError, match="from_history"):
        HistoryDisplay.from_estimator(list(history))


def test_confusion_display_from_estimator_and_redraw(stopped_net, italy):
    X, y = italy
    display = ConfusionDisplay.from_estimator(stopped_net, X, y, normalize="true")
    assert isinstance(display, ConfusionMatrixDisplay)
    pred = stopped_net.predict(X)
    np.testing.assert_allclose(
        display.confusion_matrix, confusion_matrix(y, pred, normalize="true")
    )
    assert display.f1_macro == pytest.approx(f1_score(y, pred, average="macro"))
    assert display.balanced_accuracy == pytest.approx(balanced_accuracy_score(y, pred))
    assert display.text_[0, 0].get_text() == f"{display.confusion_matrix[0, 0]:.2f}"
    ax = _redraw(display, title="again")
    assert ax.get_title() == "again" and display.im_ in ax.get_images()
    # built from a matrix alone: counts, no scores, no title
    bare = ConfusionDisplay(np.array([[3, 1], [0, 2]])).plot()
    assert bare.ax_.get_title() == "" and bare.text_[0, 1].get_text() == "1"


def test_attention_display_from_estimator_matches_from_weights(vowels_clf):
    X, y, clf = vowels_clf
    display = AttentionDisplay.from_estimator(clf, X, instances=[3, 1], labels=y)
    weights = AttentionDisplay.from_weights(
        X, clf.attention_weights(X), instances=[3, 1]
    )
    np.testing.assert_allclose(display.relative_weights, weights.relative_weights)
    assert display.tick_labels == [f"#3 ({y[3]})", f"#1 ({y[1]})"]
    assert [s.shape[0] for s in display.series] == [X.shape[1]] * 2
    assert len(display.lines_) == 2 * X.shape[1]
    ax = _redraw(display, cmap="Greys")
    assert display.image_.axes is ax and display.image_.get_cmap().name == "Greys"
    assert display.colorbar_.ax in ax.figure.axes
    with pytest.raises(TypeError, match="no attention_weights"):
        AttentionDisplay.from_estimator(LSTMClassifier(), X)


@pytest.mark.filterwarnings("ignore:.*did not learn")  # one epoch is enough here
def test_attention_display_from_a_pipeline(vowels_clf):
    X, y, _ = vowels_clf
    clf = _attention_lstm(size=4, max_epochs=1)
    pipe = make_pipeline(Normalizer(), clf).fit(X[:80], y[:80])
    display = AttentionDisplay.from_estimator(pipe, X[:80], n_instances=2)
    Xt = pipe[0].transform(X[:80])  # the weights belong to the scaled series
    lengths = X.shape[2] - np.isnan(X[:2, 0]).sum(axis=1)
    np.testing.assert_allclose(display.series[0], Xt[0][:, : lengths[0]], rtol=1e-6)


class _StepModel:
    """A fitted per-step classifier stand-in: fixed labels and probabilities."""

    classes_ = np.array(["idle", "run", "walk"])

    def __init__(self, labels):
        self.labels = labels

    def predict(self, recording):
        return self.labels

    def predict_proba(self, recording):
        proba = np.full((len(self.labels), 3), 0.1)
        proba[
            np.arange(len(self.labels)), np.searchsorted(self.classes_, self.labels)
        ] = 0.8
        return proba


def test_recording_display_spans_and_redraw():
    y = np.array(
        ["idle"] * 10 + ["walk"] * 5 + ["idle"] * 5 + ["run"] * 3 + ["walk"] * 2
    )
    pred = np.concatenate([["idle"], y[:-1]])  # one step late
    signal = np.sin(np.arange(25.0))
    display = RecordingDisplay.from_estimator(
        _StepModel(pred), signal, y, threshold=0.5
    )
    # one type for every span: (start, stop) runs of steps, half-open
    assert display.true_spans == {"run": [(20, 23)], "walk": [(10, 15), (23, 25)]}
    assert display.predicted_spans == {"run": [(21, 24)], "walk": [(11, 16), (24, 25)]}
    assert list(display.proba) == ["P(run)", "P(walk)"]
    np.testing.assert_allclose(display.proba["P(run)"][21:24], 0.8)
    first, second = display.true_patches_["walk"]
    assert (first.get_x(), first.get_x() + first.get_width()) == (9.5, 14.5)
    assert [len(p) for p in display.predicted_patches_.values()] == [1, 2]
    assert display.threshold_line_.get_ydata()[0] == 0.5
    ax = _redraw(display)
    assert display.proba_ax_ is not ax and display.proba_ax_.figure is ax.figure
    assert display.lines_[0].axes is ax and len(ax.patches) == 6
    assert set(display.proba_lines_) == {"P(run)", "P(walk)"}
    bare = RecordingDisplay(signal[None, :]).plot()
    assert bare.proba_ax_ is None and bare.true_patches_ == {}


def test_precision_recall_display_from_estimator(stopped_net, italy):
    X, y = italy
    pos = stopped_net.classes_[1]
    display = PrecisionRecallDisplay.from_estimator(
        stopped_net, X, y, threshold=0.3, y_pred={"predict": stopped_net.predict(X)}
    )
    assert isinstance(display, SklearnPRDisplay)
    scores = stopped_net.predict_proba(X)[:, 1]
    precision, recall, _ = precision_recall_curve(y == pos, scores)
    np.testing.assert_allclose(display.precision, precision)
    np.testing.assert_allclose(display.recall, recall)
    assert display.pos_label == pos and display.name == "LSTMClassifier"
    assert [p.label for p in display.operating_points] == [
        "threshold 0.30",
        "threshold 0.50",
        "predict",
    ]
    point = display.operating_points[0]
    assert point.precision == pytest.approx(precision_score(y == pos, scores >= 0.3))
    assert point.recall == pytest.approx(recall_score(y == pos, scores >= 0.3))
    assert len(display.points_) == 3 and display.line_.axes is display.ax_
    ax = _redraw(display, plot_chance_level=False)
    assert display.chance_level_ is None and display.points_[0].axes is ax
    assert ax.get_xlabel() == f"Recall of class {pos}"


def test_importance_display_from_estimator_and_redraw(stopped_net, italy):
    X, y = italy
    params = {
        "scoring": "f1_macro",
        "by": "segment",
        "n_segments": 4,
        "n_repeats": 3,
        "random_state": 0,
    }
    display = ImportanceDisplay.from_estimator(stopped_net, X, y, **params)
    result = permutation_importance(stopped_net, X, y, **params)
    np.testing.assert_allclose(display.importances, result.importances)
    assert display.feature_names == [str(n) for n in result.feature_names]
    assert display.metric == "f1_macro" and "f1_macro" in display.ax_.get_xlabel()
    order = np.argsort(-result.importances_mean, kind="stable")
    np.testing.assert_array_equal(display.order_, order)
    assert display.boxes_ is not None and display.bars_ is None
    ax = _redraw(display, kind="bar", top=2, sort=False)
    np.testing.assert_array_equal(display.order_, [0, 1])
    assert display.boxes_ is None and len(display.bars_) == 2
    assert [t.get_text() for t in ax.get_yticklabels()] == display.feature_names[1::-1]
    with pytest.raises(ValueError, match="kind must be"):
        display.plot(kind="violin")
