"""skseq: deep sequence classifiers as scikit-learn estimators for imbalanced data."""

__version__ = "0.1.0.dev0"
