"""Sample quality, shared by every image plugin: a judge classifier trained by the project,
label accuracy, Fréchet distance on the judge's features, per-class diversity."""
