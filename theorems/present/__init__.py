"""Presentation at the top of the layering: notebook renderings, text/JSON/markdown/LaTeX reports and plots. Only
the command line, the public facade and the explorer import it.
"""
