"""The class test: JupyterHub with nbgrader's exchange, driven in chromium and through terminals."""
