"""Browser tests: the lectures in JupyterLab, driven in chromium by playwright."""
