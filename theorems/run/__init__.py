"""Running long work: executors (serial, processes, Dask), the catalog sweep behind ``convac verify``, supervised
children that can always be stopped, and progress lines.
"""
